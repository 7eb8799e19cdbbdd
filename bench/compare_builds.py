"""A/B of two builds of the Swift benchmark (`skbench`), for refactors that must not slow anything:
runs both binaries in alternating rounds on the same workloads and prints the medians and
base/new (> 1: the new build is faster). Nothing is asserted; the VM is noisy, so read ratios
near 1 as equal and re-run what looks off.

    python3 bench/compare_builds.py BASE_SKBENCH NEW_SKBENCH [filter ...]

e.g. build the old commit in a worktree (`git worktree add ../base <commit>` and
`swift build -c release --product skbench` there) and compare with `.build/release/skbench`.
"""
import collections
import statistics
import subprocess
import sys

DEFAULT_FILTERS = ["fit MLP", "MLP 784", "recorded 2x2", "2x2 adds (no tape)", "add 2x2", "exp 4M", "tanh 4M",
                   "conv2d", "maxpool2d", "avgpool2d", "matmul 1024", "var last", "sum 4M"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    builds = {"base": sys.argv[1], "new": sys.argv[2]}
    filters = sys.argv[3:] or DEFAULT_FILTERS
    times = collections.defaultdict(lambda: collections.defaultdict(list))
    for rnd in range(3):
        order = list(builds.items()) if rnd % 2 == 0 else list(builds.items())[::-1]
        for label, binary in order:
            for f in filters:
                out = subprocess.run([binary, f], capture_output=True, text=True).stdout
                for line in out.splitlines():
                    cols = line.split("\t")
                    try:
                        times[cols[0]][label].append(float(cols[1]))
                    except (IndexError, ValueError):
                        pass
    print(f"{'workload':52s} {'base':>12s} {'new':>12s} {'base/new':>9s}")
    for name, t in times.items():
        if len(t) == 2:
            b, n = statistics.median(t["base"]), statistics.median(t["new"])
            print(f"{name:52s} {b:12.6g} {n:12.6g} {b / n:9.2f}")


if __name__ == "__main__":
    main()

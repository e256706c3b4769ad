"""`make bench`: runs every bench/bench_*.py module's ``run()`` and prints its figures.

Benchmarks use their own database ``forum_bench`` on the configured server (DATABASE_URL
or the embedded PostgreSQL), created afresh each run, so they never touch development data.
Speed targets are compared as figures and ratios measured in one run, never as timed tests.
"""

import importlib
import pkgutil
import sys
import time

import bench


def main(argv: list[str]) -> int:
    wanted = set(argv)
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.run()
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`make bench`: runs the bench/bench_*.py modules' ``run()``, prints every figure with its
target and "met" or "NOT met", and a summary table at the end.

    python -m bench                         # everything
    python -m bench needs_list registrations  # some, by name (with or without "bench_")
    python -m bench --quick                 # small sizes and short loads: a smoke run
    python -m bench --list                  # the benchmarks and what they measure
    python -m bench --results bench/RESULTS.md  # also keep the run there (full runs only)

Benchmarks use their own database (``FORUM_BENCH_DB``, default ``forum_bench``) on the
configured server (DATABASE_URL or the embedded PostgreSQL), created afresh each run, so
they never touch development data; with REDIS_URL, the site's cache and queue go to Redis
database ``FORUM_BENCH_REDIS_DB`` (default 14), emptied by the benchmarks.
Speed targets are compared as figures and ratios measured in one run, never as timed tests.

Exit status: 0 when every benchmark measured, whether or not its targets were met (a run
is a measurement); 1 when one broke (errors, wrong answers or counts) or a name is unknown.
"""

from __future__ import annotations

import argparse
import importlib
import io
import pkgutil
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

import bench
from bench import harness


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy for bench/RESULTS.md."""

    def __init__(self, stream):
        self.stream = stream
        self.copy = io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def available() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument(
        "--results",
        type=Path,
        metavar="PATH",
        help="write the run (machine, date, table, output) there; only a full run does",
    )
    return parser


def run_one(name: str) -> str:
    """Runs one benchmark; returns what it printed."""
    run = harness.RUN
    run.current = name
    before = len(run.figures)
    tee = sys.stdout
    start_output = tee.copy.tell() if isinstance(tee, _Tee) else 0
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}", flush=True)
        module.run()
    except harness.Broken as exc:
        run.broken[name] = str(exc)
        print(f"   BROKEN: {exc}", flush=True)
    except Exception as exc:  # one broken benchmark must not stop the others
        run.broken[name] = f"{type(exc).__name__}: {exc}"
        print("   BROKEN:", flush=True)
        traceback.print_exc(file=sys.stdout)
    print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    output = tee.copy.getvalue()[start_output:] if isinstance(tee, _Tee) else ""
    if len(run.figures) == before and name not in run.broken:
        # A benchmark that prints its own verdicts (bench_matching) still gets its rows.
        run.figures.extend(harness.rows_from_lines(name, output))
    return output


def main(argv: list[str]) -> int:
    options = _parser().parse_args(argv)
    names = available()
    if options.list:
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            print(f"{name.removeprefix('bench_'):<22} {module.__doc__.strip().splitlines()[0]}")
        return 0
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in options.names]
    unknown = [n for n in wanted if n not in names]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(names)}")
        return 1
    selected = [n for n in names if not wanted or n in wanted]
    harness.QUICK = options.quick
    harness.RUN = harness.Run()
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    try:
        if options.quick:
            print("Quick run: small sizes and short loads; verdicts only say it works.\n")
        for name in selected:
            run_one(name)
        table = harness.summary_table(harness.RUN.figures, harness.RUN.broken)
        met = sum(f.verdict == "met" for f in harness.RUN.figures)
        missed = sum(f.verdict == "NOT met" for f in harness.RUN.figures)
        print("== Summary")
        print(table)
        print(
            f"\n{met} targets met, {missed} NOT met, {len(harness.RUN.broken)} benchmark(s) "
            f"broken{' (quick run)' if options.quick else ''}."
        )
    finally:
        sys.stdout = tee.stream
    if options.results:
        if options.quick or selected != names:
            print(f"{options.results} not written: only a full run of every benchmark is kept.")
        else:
            when = datetime.now().astimezone()
            text = harness.results_markdown(table, tee.copy.getvalue(), harness.machine(), when)
            options.results.write_text(text)
            print(f"Written to {options.results}.")
    return 1 if harness.RUN.broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What every benchmark shares: the run's size (full or ``--quick``), its figures with their
targets and verdicts, the exception that says a benchmark broke, and bench/RESULTS.md.

A benchmark records each figure with ``figure()``; it prints one line at once and goes into
the summary table at the end of the run::

    from bench.harness import Broken, at_least, below, figure, sized

    needs = sized(10_000, quick=1_000)
    figure("/needs/ member : trivial", ratio, target=at_least(0.15))
    figure("trivial view", rate, unit="req/s")  # no target: shown for reference
    if errors:
        raise Broken("/needs/ answered 500")  # the run goes on, `make bench` exits 1

A figure that misses its target is a measurement, not a failure ("NOT met", exit 0); a
benchmark that cannot measure (errors, wrong counts) raises ``Broken``.
"""

from __future__ import annotations

import contextlib
import operator
import os
import platform
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

QUICK = False  # set by ``python -m bench --quick``: small sizes for smoke runs


def sized(full, *, quick):
    """``full`` in a real run, ``quick`` in a ``--quick`` run."""
    return quick if QUICK else full


class Broken(Exception):
    """The benchmark could not measure what it should: errors, wrong answers, wrong counts."""


@dataclass(frozen=True)
class Target:
    symbol: str
    bound: float
    compare: Callable[[float, float], bool] = field(repr=False, compare=False)

    def met(self, value: float) -> bool:
        return self.compare(value, self.bound)

    def __str__(self) -> str:
        return f"{self.symbol} {self.bound:,g}"


def at_least(bound: float) -> Target:
    return Target(">=", bound, operator.ge)


def at_most(bound: float) -> Target:
    return Target("<=", bound, operator.le)


def below(bound: float) -> Target:
    return Target("<", bound, operator.lt)


def exact(bound: float) -> Target:
    return Target("==", bound, operator.eq)


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 10:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"  # ratios: 0.009 and 0.015 differ


@dataclass
class Figure:
    benchmark: str
    label: str
    value: float | None  # None: a figure only a printed line gives (see rows_from_lines)
    unit: str = ""
    target: Target | str | None = None
    verdict: str = ""  # "met", "NOT met" or "" (no target)
    text: str = ""  # the value as printed, when only a printed line gives it

    @property
    def shown_value(self) -> str:
        if self.value is None:
            return self.text or "(see output)"
        return f"{_number(self.value)} {self.unit}".strip()


@dataclass
class Run:
    """The figures and breakages of one ``python -m bench`` run."""

    figures: list[Figure] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)
    current: str = ""  # the benchmark running now


RUN = Run()


def figure(label: str, value: float, *, unit: str = "", target: Target | None = None) -> Figure:
    """Records and prints one figure with its target and verdict."""
    verdict = "" if target is None else ("met" if target.met(value) else "NOT met")
    item = Figure(RUN.current, label, value, unit, target, verdict)
    RUN.figures.append(item)
    line = f"   {label:<46} {item.shown_value:>14}"
    if target is not None:
        line += f"   target {target} {unit}".rstrip() + f": {verdict}"
    print(line, flush=True)
    return item


# A line a benchmark printed itself instead of calling figure() (bench_matching does):
# "... target p95 < 50 ms: met (wall)".
_PRINTED_VERDICT = re.compile(
    r"^\s*(?P<label>.*?)\s+target (?P<target>.+?): (?P<verdict>NOT met|met)\b"
)


def rows_from_lines(benchmark: str, output: str) -> list[Figure]:
    """Summary rows for a benchmark that printed its verdicts instead of recording them:
    the label is the line's first column; the value, when the target names its measure
    ("p95 < 50 ms"), the first such measure on the line."""
    rows = []
    for line in output.splitlines():
        match = _PRINTED_VERDICT.match(line)
        if not match:
            continue
        label, _, rest = match["label"].partition("  ")
        measure = match["target"].split()[0]
        found = re.search(rf"\b{re.escape(measure)}\s+([\d.,]+\s*\S+)", rest)
        text = found[1] if found and measure[0] not in "<>=" else ""
        rows.append(
            Figure(benchmark, label.strip(), None, "", match["target"], match["verdict"], text)
        )
    return rows


def summary_table(figures: list[Figure], broken: dict[str, str]) -> str:
    """The run's figures as a Markdown table, then the benchmarks that broke."""
    rows = [("benchmark", "figure", "value", "target", "verdict")]
    for item in figures:
        target = "" if item.target is None else f"{item.target} {item.unit}".strip()
        if isinstance(item.target, str):
            target = item.target
        rows.append(
            (
                item.benchmark.removeprefix("bench_"),
                item.label,
                item.shown_value,
                target,
                item.verdict or "-",
            )
        )
    for name, reason in broken.items():
        rows.append((name.removeprefix("bench_"), "BROKEN", "", "", reason.splitlines()[0][:80]))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]

    def line(row):
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            + " |"
        )

    text = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    text += [line(row) for row in rows[1:]]
    return "\n".join(text)


def machine() -> dict[str, str]:
    """Where the run happened: cores, CPU, PostgreSQL, Python, commit, load generator."""
    info = {"cores": str(os.cpu_count() or "?")}
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                info["cpu"] = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["python"] = platform.python_version()
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    except Exception:  # a run that never set Django up has no server to ask
        pass
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    from bench.wrk import generator

    info["load generator"] = generator()
    return info


def results_markdown(table: str, output: str, info: dict[str, str], when: datetime) -> str:
    details = ", ".join(f"{key} {value}" for key, value in info.items() if key != "cores")
    return (
        "# Benchmark results\n\n"
        "Written by `make bench` (`python -m bench --results bench/RESULTS.md`); every page\n"
        "figure is a ratio to the trivial Django view measured in the same run. Numbers\n"
        "from a machine that was busy with other work are not comparable.\n\n"
        f"- date: {when:%Y-%m-%d %H:%M %Z}\n"
        f"- cores: {info.get('cores', '?')}\n"
        f"- machine: {details}\n\n"
        f"{table}\n\n"
        "## Full output\n\n"
        "```text\n"
        f"{output.rstrip()}\n"
        "```\n"
    )

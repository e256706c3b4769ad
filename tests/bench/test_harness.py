"""The benchmark harness: verdicts, the summary table, exit status, bench/RESULTS.md, the
wrk report and the Server-Timing breakdown. The benchmarks themselves are measurements
(`make bench`), not tests."""

import sys
import types
from datetime import UTC, datetime

import pytest

from bench import __main__ as runner
from bench import harness
from bench.wrk import parse_report


@pytest.fixture
def fake_benchmarks(monkeypatch):
    """Three benchmark modules: one that misses a target, one that meets it, one that breaks."""

    def module(name, body):
        fake = types.ModuleType(f"bench.{name}")
        fake.__doc__ = f"{name}: a fake benchmark."
        fake.run = body
        monkeypatch.setitem(sys.modules, f"bench.{name}", fake)

    def slow():
        harness.figure("page : trivial", 0.05, target=harness.at_least(0.15))

    def fast():
        size = harness.sized(10_000, quick=100)
        harness.figure(f"search p95 at {size:,}", 12.0, unit="ms", target=harness.below(30))

    def broken():
        raise harness.Broken("3 of 500 posts answered 500")

    module("bench_fake_slow", slow)
    module("bench_fake_fast", fast)
    module("bench_fake_broken", broken)
    names = ["bench_fake_broken", "bench_fake_fast", "bench_fake_slow"]
    monkeypatch.setattr(runner, "available", lambda: names)
    monkeypatch.setattr(harness, "QUICK", False)
    return names


def table_rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| ")
    ]


def test_target_missed_is_reported_and_exits_zero(fake_benchmarks, capsys):
    assert runner.main(["fake_slow", "bench_fake_fast"]) == 0

    out = capsys.readouterr().out
    assert "page : trivial" in out and "target >= 0.15: NOT met" in out
    assert "search p95 at 10,000" in out and "target < 30 ms: met" in out
    assert ["fake_slow", "page : trivial", "0.050", ">= 0.15", "NOT met"] in table_rows(out)
    assert ["fake_fast", "search p95 at 10,000", "12 ms", "< 30 ms", "met"] in table_rows(out)
    assert "1 targets met, 1 NOT met, 0 benchmark(s) broken." in out


def test_broken_benchmark_exits_one_and_the_others_still_run(fake_benchmarks, capsys):
    assert runner.main([]) == 1

    out = capsys.readouterr().out
    assert "BROKEN: 3 of 500 posts answered 500" in out
    assert ["fake_broken", "BROKEN", "", "", "3 of 500 posts answered 500"] in table_rows(out)
    assert "search p95 at 10,000" in out and "page : trivial" in out


def test_quick_run_uses_the_quick_sizes(fake_benchmarks, capsys):
    assert runner.main(["--quick", "fake_fast"]) == 0

    out = capsys.readouterr().out
    assert "search p95 at 100 " in out and "(quick run)" in out


def test_unknown_name_exits_one(fake_benchmarks, capsys):
    assert runner.main(["fake_nothing"]) == 1
    assert "Unknown benchmark(s): bench_fake_nothing" in capsys.readouterr().out


def test_results_written_by_a_full_run_only(fake_benchmarks, tmp_path, capsys):
    results = tmp_path / "RESULTS.md"

    runner.main(["--results", str(results), "fake_fast"])
    assert not results.exists()
    assert "only a full run of every benchmark is kept" in capsys.readouterr().out

    runner.main(["--results", str(results), "--quick"])
    assert not results.exists()

    assert runner.main(["--results", str(results)]) == 1
    text = results.read_text()
    assert text.startswith("# Benchmark results")
    assert "- cores: " in text and "- date: " in text
    assert ["fake_slow", "page : trivial", "0.050", ">= 0.15", "NOT met"] in table_rows(text)
    assert ["fake_broken", "BROKEN", "", "", "3 of 500 posts answered 500"] in table_rows(text)
    assert "== bench_fake_fast: bench_fake_fast: a fake benchmark." in text  # the output


def test_results_markdown_names_machine_and_date():
    text = harness.results_markdown(
        "| table |",
        "== output",
        {"cores": "2", "cpu": "Some CPU", "load generator": "wrk 4.1.0"},
        datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
    )
    assert "- date: 2026-03-01 12:30 UTC\n- cores: 2\n" in text
    assert "cpu Some CPU, load generator wrk 4.1.0" in text
    assert "| table |\n" in text and "```text\n== output\n```" in text


def test_verdicts_of_each_kind_of_target():
    assert harness.at_least(0.15).met(0.15) and not harness.at_least(0.15).met(0.149)
    assert harness.below(30).met(29.9) and not harness.below(30).met(30)
    assert harness.at_most(1.3).met(1.3) and not harness.at_most(1.3).met(1.31)
    assert harness.exact(100).met(100) and not harness.exact(100).met(101)
    assert str(harness.at_least(300)) == ">= 300" and str(harness.below(3.0)) == "< 3"
    assert str(harness.at_most(1.3)) == "<= 1.3"


def test_rows_from_printed_verdicts():
    output = (
        "   built indexes in 2.8 s\n"
        "   need → 5,000 organisations         200 runs  wall p50  27.6 ms  p95 126.5 ms  "
        "max 235.0 ms  target p95 < 50 ms: NOT met (wall)\n"
        "   embed one need (81 tokens)          wall p50 169.5 ms; CPU p50  74.1 ms  "
        "target < 100 ms: met (CPU time)\n"
    )

    rows = harness.rows_from_lines("bench_matching", output)

    assert [(r.label, r.shown_value, r.target, r.verdict) for r in rows] == [
        ("need → 5,000 organisations", "126.5 ms", "p95 < 50 ms", "NOT met"),
        ("embed one need (81 tokens)", "(see output)", "< 100 ms", "met"),
    ]


WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:40000/needs/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    70.12ms   10.01ms 190.00ms   80.00%
  912 requests in 8.01s, 35.63MB read
  Non-2xx or 3xx responses: 2
Requests/sec:    113.86
Transfer/sec:      4.45MB

BENCH-JSON {"requests": 912, "duration_us": 8010000, "bytes": 37360000, "connect": 0, \
"read": 1, "write": 0, "status": 2, "timeout": 0, "p50_us": 68000, "p95_us": 91500, \
"p99_us": 150000, "max_us": 190000}
"""


def test_wrk_report_parsed():
    load = parse_report(WRK_OUTPUT)

    assert load.requests == 912 and load.rps == pytest.approx(113.86, abs=0.01)
    assert (load.p50_ms, load.p95_ms, load.max_ms) == (68.0, 91.5, 190.0)
    assert load.bad_status == 2 and load.socket_errors == {"read": 1}
    assert load.errors == 3


def test_wrk_without_report_is_an_error():
    with pytest.raises(ValueError, match="wrk printed no report"):
        parse_report("unable to connect to 127.0.0.1:1 Connection refused")

"""Load for the page benchmarks from wrk (Debian's package ``wrk``; `make bench` installs it),
or from bench/load.py when wrk is missing, which says so in every figure's output.

wrk is C and takes little of the CPU the server needs; the Python generator on the same two
cores caps the trivial view far below what the server can do (issue 17: about 2,000 against
3,100 req/s), which would flatter every ratio. ``load()`` returns requests per second, the
latency percentiles and the answers that were not 2xx/3xx or never came.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
MARK = "BENCH-JSON "


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    bad_status: int  # answers other than 2xx/3xx
    socket_errors: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.bad_status + sum(self.socket_errors.values())


def wrk_path() -> str | None:
    return shutil.which("wrk")


def generator() -> str:
    """The load generator this run uses, with its version."""
    path = wrk_path()
    if path is None:
        return "bench/load.py (Python; wrk not found, so page rates are capped low)"
    # `wrk -v` prints "wrk 4.1.0 [epoll] Copyright ..." and exits with 1.
    first = subprocess.run([path, "-v"], capture_output=True, text=True).stdout.splitlines()
    return " ".join(first[0].split()[:2]) if first else "wrk"


def parse_report(output: str) -> Load:
    """The figures bench/wrk_report.lua printed at the end of wrk's output."""
    for line in reversed(output.splitlines()):
        if line.startswith(MARK):
            data = json.loads(line.removeprefix(MARK))
            break
    else:
        raise ValueError(f"wrk printed no report:\n{output[-2000:]}")
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        bad_status=data["status"],
        socket_errors={k: data[k] for k in ("connect", "read", "write", "timeout") if data[k]},
    )


def load(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    threads: int = 1,
) -> Load:
    """Keeps ``connections`` keep-alive connections busy on ``url`` for ``seconds``."""
    headers = headers or {}
    path = wrk_path()
    if path is None:
        return _python_load(url, connections=connections, seconds=seconds, headers=headers)
    # wrk takes whole seconds only.
    args = [path, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    # A slow page under load on a busy machine must not count as an error after wrk's
    # default 2 s: a timeout here means the server really stopped answering.
    args += ["--timeout", "30s", "-s", str(SCRIPT)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    done = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_report(done.stdout)


def _python_load(url, *, connections, seconds, headers) -> Load:
    from urllib.parse import urlsplit

    from bench.load import Request, run_load

    parts = urlsplit(url)
    request = Request(parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    result = run_load(
        url, concurrency=connections, duration=seconds, make_request=lambda _c, _r: request
    )
    bad = sum(n for status, n in result.statuses.items() if not 200 <= status < 400)
    return Load(
        requests=result.requests,
        seconds=result.duration,
        p50_ms=result.p50_ms,
        p95_ms=result.p95_ms,
        max_ms=max(result.latencies_ms, default=0.0),
        bad_status=bad,
        socket_errors=dict(result.errors),
    )


ONCE_SCRIPT = Path(__file__).resolve().parent / "wrk_once.lua"
ONCE_MARK = "BENCH-ONCE "


@dataclass
class Once:
    sent: int
    answered: int
    seconds: float  # first request sent to last answer received
    statuses: dict[int, int]


def post_once(url: str, path: str, lines: list[str], args: list[str], *, limit: float) -> Once:
    """Each of ``lines`` (one member's "session-key csrf") posts once to ``path`` of ``url``
    over a connection of its own, all opened at once by one wrk thread (bench/wrk_once.lua,
    which gets ``args`` after the file and path). Raises RuntimeError when wrk is missing
    or not every POST was answered within ``limit`` seconds."""
    import tempfile

    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk not found")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="bench-once-") as file:
        file.write("\n".join(lines) + "\n")
        file.flush()
        command = [wrk, "-t", "1", "-c", str(len(lines)), "-d", f"{round(limit)}s"]
        command += ["--timeout", f"{round(limit)}s", "-s", str(ONCE_SCRIPT), url, "--"]
        command += [file.name, path, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit + 60)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(ONCE_MARK):
            data = json.loads(line.removeprefix(ONCE_MARK))
            return Once(
                sent=data["sent"],
                answered=data["answered"],
                seconds=(data["last_answer_us"] - data["first_sent_us"]) / 1e6,
                statuses={int(k): v for k, v in data["statuses"].items()},
            )
    raise RuntimeError(f"wrk ({done.returncode}) left POSTs unanswered:\n{done.stdout[-2000:]}")

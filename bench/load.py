"""A small HTTP/1.1 load generator for benchmarks on loopback, standard library only.

``run_load()`` keeps ``concurrency`` connections busy for ``duration`` seconds (or until
``total`` requests are done), each sending its next request as soon as the previous answer
is read, over a kept-alive connection (reopened when the server closes it). It returns a
``LoadResult`` with the number of requests, requests per second, latency percentiles and
the counts per status code and per error::

    from bench.load import run_load

    result = run_load("http://127.0.0.1:8000/needs/", concurrency=8, duration=10)
    print(result.summary())          # "1234 requests, 123.4 req/s, p50 ..."
    result.rps, result.p95_ms, result.statuses[200], result.errors

For requests that differ (POSTs with a form body, per-client cookies), pass ``make_request``:
a function ``(client_index, request_index) -> Request``. The same run may mix URLs; only
the host and port of ``url`` are used then.

Plain asyncio in one thread: on a small machine the generator itself costs CPU, so it stays
as light as possible, and measuring two URLs with the same settings in the same run is
what makes their figures comparable.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

__all__ = ["LoadResult", "Request", "run_load"]


@dataclass(frozen=True)
class Request:
    """One request to send: path with query string, method, extra headers, body bytes."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def form(cls, path: str, data: dict, headers: dict | None = None) -> Request:
        """A POST with an URL-encoded form body."""
        return cls(
            path,
            "POST",
            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
            urlencode(data, doseq=True).encode(),
        )


@dataclass
class LoadResult:
    requests: int
    duration: float
    latencies_ms: list[float]
    statuses: Counter
    errors: Counter
    concurrency: int

    @property
    def rps(self) -> float:
        """Completed requests (any status) per second of wall time."""
        return self.requests / self.duration if self.duration else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        return self.percentile(0.95)

    @property
    def error_count(self) -> int:
        """Requests without an answer (connection trouble, timeouts) plus 5xx answers."""
        server_errors = sum(n for status, n in self.statuses.items() if status >= 500)
        return sum(self.errors.values()) + server_errors

    def summary(self) -> str:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        errors = ", ".join(f"{e}: {n}" for e, n in sorted(self.errors.items())) or "none"
        return (
            f"{self.requests} requests in {self.duration:.1f} s, {self.rps:.1f} req/s, "
            f"p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms "
            f"(concurrency {self.concurrency}; status {statuses}; errors {errors})"
        )


class _ServerClosed(Exception):
    pass


def _encode(request: Request, host: str) -> bytes:
    headers = {
        "Host": host,
        "User-Agent": "forum-bench-load/1",
        "Accept": "text/html,*/*",
        "Connection": "keep-alive",
        **request.headers,
    }
    if request.body or request.method not in ("GET", "HEAD"):
        headers["Content-Length"] = str(len(request.body))
    head = f"{request.method} {request.path} HTTP/1.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode("latin-1") + b"\r\n" + request.body


async def _read_response(reader: asyncio.StreamReader, method: str) -> tuple[int, bool]:
    """Reads one response; returns its status and whether the connection stays open."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise _ServerClosed from None
        raise
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
    if method == "HEAD" or status.startswith("1") or status in ("204", "304"):
        return int(status), keep_alive
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        await reader.read()  # the body runs until the server closes
        keep_alive = False
    return int(status), keep_alive


async def _client(
    index: int,
    *,
    host: str,
    port: int,
    host_header: str,
    make_request: Callable[[int, int], Request],
    deadline: float,
    budget: list[int],
    timeout: float,
    result: LoadResult,
) -> None:
    reader = writer = None
    sent = 0
    while time.perf_counter() < deadline:
        if budget[0] is not None:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        request = make_request(index, sent)
        sent += 1
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout
                )
            writer.write(_encode(request, host_header))
            await writer.drain()
            try:
                status, keep_alive = await asyncio.wait_for(
                    _read_response(reader, request.method), timeout
                )
            except _ServerClosed:
                # A kept-alive connection the server had closed meanwhile: retry once, fresh.
                writer.close()
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout
                )
                started = time.perf_counter()
                writer.write(_encode(request, host_header))
                await writer.drain()
                status, keep_alive = await asyncio.wait_for(
                    _read_response(reader, request.method), timeout
                )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            name = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
            result.errors[name] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)  # a refusing server is not hammered in a tight loop
            continue
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.statuses[status] += 1
        result.requests += 1
        if not keep_alive:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _run(url, concurrency, duration, total, make_request, timeout, warmup) -> LoadResult:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    host_header = parts.netloc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if make_request is None:
        fixed = Request(path)

        def make_request(_client_index, _request_index):
            return fixed

    common = {
        "host": host,
        "port": port,
        "host_header": host_header,
        "make_request": make_request,
        "timeout": timeout,
    }
    if warmup:
        scratch = LoadResult(0, 0.0, [], Counter(), Counter(), concurrency)
        deadline = time.perf_counter() + warmup
        await asyncio.gather(
            *(
                _client(i, deadline=deadline, budget=[None], result=scratch, **common)
                for i in range(concurrency)
            )
        )
    result = LoadResult(0, 0.0, [], Counter(), Counter(), concurrency)
    started = time.perf_counter()
    deadline = started + (duration if duration else float("inf"))
    budget = [total]
    await asyncio.gather(
        *(
            _client(i, deadline=deadline, budget=budget, result=result, **common)
            for i in range(concurrency)
        )
    )
    result.duration = time.perf_counter() - started
    return result


def run_load(
    url: str,
    *,
    concurrency: int = 8,
    duration: float | None = 10.0,
    total: int | None = None,
    make_request: Callable[[int, int], Request] | None = None,
    timeout: float = 30.0,
    warmup: float = 0.0,
) -> LoadResult:
    """Loads ``url`` (``http://host:port/path``) and returns what happened.

    ``concurrency`` connections send requests one after the other until ``duration``
    seconds have passed or ``total`` requests have been sent, whichever comes first (give
    ``duration=None`` to stop only at ``total``). ``warmup`` seconds of the same load run
    first and are not counted. ``make_request(client_index, request_index)`` returns the
    ``Request`` to send; by default every request is a GET of ``url``. A request that gets
    no answer within ``timeout`` seconds, or whose connection fails, counts in ``errors``.
    """
    if duration is None and total is None:
        raise ValueError("Give a duration, a total, or both.")
    return asyncio.run(_run(url, concurrency, duration, total, make_request, timeout, warmup))

"""Pages against the trivial view, in the same run on the same server (P3 and the page
benchmarks of issue 17).

``compare()`` starts gunicorn as production runs it on the reference machine (2 workers,
bench/web_settings.py: DEBUG=0), checks that each page answers 200 (and, for a logged-in
page, that the site sees the member: the logout form is on it, ``LOGGED_IN``), warms every URL, then loads
the trivial view and the pages one after the other, round after round, with the same
connections and duration (bench/wrk.py), and records per page its requests per second and
its ratio to the trivial view's rate in the same rounds, against the page's target."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass, field

from bench.harness import Broken, Target, figure, sized

TRIVIAL = "/bench/trivial/"
# Two cores on the reference machine: two worker processes, a few threads each so that
# keep-alive connections are kept (gunicorn's sync worker closes after every request).
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
GUNICORN += ["--keep-alive", "10", "--timeout", "60", "--no-control-socket"]
# A gthread worker accepts connections up to --worker-connections, not up to its threads:
# one worker could take all 8 kept-alive connections of the load and leave the other core
# idle, which halved some rounds (trivial view 1,300 or 3,300 req/s by chance). Four per
# worker splits the load 4 + 4, as the many clients of a live site spread over workers.
GUNICORN += ["--worker-connections", "4"]
GUNICORN += ["--error-logfile", "-", "--log-level", "warning"]
CONNECTIONS = 8
LOGGED_IN = "/accounts/logout/"  # the member's logout form: the site knows who asks


@dataclass
class Page:
    label: str
    path: str
    target: Target | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: str = ""  # text the answer must contain, e.g. LOGGED_IN
    loads: list = field(default_factory=list)

    @property
    def rps(self) -> float:
        seconds = sum(load.seconds for load in self.loads)
        return sum(load.requests for load in self.loads) / seconds if seconds else 0.0


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def check(port: int, page: Page) -> int:
    """Raises Broken unless the page answers as the benchmark means it; returns its size."""
    status, body = fetch(port, page.path, page.headers)
    if status != 200:
        raise Broken(f"{page.label}: {page.path} answered {status}, not 200")
    if page.expect and page.expect.encode() not in body:
        raise Broken(f"{page.label}: {page.path} does not contain {page.expect!r}")
    return len(body)


def _settle(done) -> None:
    """Waits until the requests the load left in the server have ended: when wrk stops, the
    server still renders what it had read, and a slow page would otherwise eat into the
    next URL's seconds (the trivial view's, flattering every ratio)."""
    time.sleep(min(done.max_ms, 30_000) / 1000 + 0.2)


def compare(pages: list[Page], *, gunicorn_env: dict[str, str] | None = None) -> float:
    """Loads the trivial view and ``pages`` alternately; records and returns the trivial
    view's rate. Raises Broken when an answer was not 2xx/3xx or did not come."""
    from bench.server import gunicorn
    from bench.wrk import load

    seconds = sized(8.0, quick=2.0)
    warmup = sized(2.0, quick=1.0)
    rounds = sized(2, quick=1)
    trivial = Page("trivial view", TRIVIAL)
    everything = [trivial, *pages]
    with gunicorn(GUNICORN, env=gunicorn_env) as server:
        sizes = {page.label: check(server.port, page) for page in everything}
        for page in everything:
            url = server.base_url + page.path
            _settle(load(url, connections=CONNECTIONS, seconds=warmup, headers=page.headers))
        for _round in range(rounds):
            for page in everything:
                url = server.base_url + page.path
                done = load(url, connections=CONNECTIONS, seconds=seconds, headers=page.headers)
                page.loads.append(done)
                _settle(done)
    print(
        f"   gunicorn {' '.join(GUNICORN[:6])}, DEBUG=0; load: {CONNECTIONS} keep-alive "
        f"connections, {rounds} x {seconds:g} s per URL, alternating"
    )
    failures = []
    for page in everything:
        errors = sum(load.errors for load in page.loads)
        print(
            f"   {page.label:<34} {page.rps:8.1f} req/s  p50 "
            f"{max(load.p50_ms for load in page.loads):6.1f} ms  p95 "
            f"{max(load.p95_ms for load in page.loads):6.1f} ms  "
            f"{sizes[page.label] / 1024:5.1f} KiB  errors {errors}  {page.path}"
        )
        if errors:
            failures.append(f"{page.label}: {errors} answers not 2xx/3xx or missing")
    if failures:
        print(server.log[-3000:])
        raise Broken("; ".join(failures))
    import os

    if os.environ.get("FORUM_BENCH_ROUNDS"):
        for page in everything:
            print("   rounds", page.label, [round(load.rps, 1) for load in page.loads])
    figure("trivial view", trivial.rps, unit="req/s")
    for page in pages:
        figure(f"{page.label} : trivial", page.rps / trivial.rps, target=page.target)
    return trivial.rps

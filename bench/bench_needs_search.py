"""P2: needs search and browsing through HTTP at 10,000 and 100,000 needs, p95 per shape.

Inserts 10,000 needs of German recycling vocabulary (bench/needs_data.py), measures, then
100,000 and measures again. Each shape is a few /needs/ URLs, requested one after the other
through gunicorn (bench/web_settings.py, DEBUG=0) by a logged-in member of one of the
organisations. Visitors would be served the cached page after their first request, and
members the list's kept content (issue 17), hiding the search: so every request carries a
parameter of its own (``uncached=<n>``, which the list ignores but its cache keys include)
and each answer is a search rendered anew. A shape's URLs are
asked for in turn until it has ``REQUESTS`` answers; its p95 is over all of them, from the
client's clock.

Search shapes (a query): a rare word, a common word (thousands of hits: "Recycling" is in a
quarter of the needs, "Betrieb" in every description), a common word with a filter, and
several words. Targets: every search shape p95 < 30 ms at 100,000 needs.
Browsing (no query: the newest first, by deadline, a filter, a later page): the p95 must
not grow with the table, at most 1.3 times from 10,000 to 100,000 needs.

Each line also gives the server's own time in SQL (bench/web_timing.py's Server-Timing
header), so a slow shape shows whether the database or the page costs it, and the end
prints PostgreSQL's plan of one common-word-with-filter search.
"""

from __future__ import annotations

import http.client
import statistics
import time
from urllib.parse import urlencode

from bench.harness import Broken, at_most, below, figure, sized

SIZES = (10_000, 100_000)
QUICK_SIZES = (1_000, 5_000)
REQUESTS = 60  # per shape
TARGET_P95_MS = 30.0
BROWSE_GROWTH = 1.3
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "2"]
GUNICORN += ["--keep-alive", "60", "--timeout", "60", "--no-control-socket"]
GUNICORN += ["--error-logfile", "-", "--log-level", "warning"]


def shapes(topics: list[str]) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """(search shapes, browse shapes): each a list of query strings as dicts."""
    search = {
        "rare word": [{"q": "Wolfram"}, {"q": "Filterstaub"}, {"q": "Kobalt"}, {"q": "Halde"}],
        "common word": [{"q": "Recycling"}, {"q": "Betrieb"}, {"q": "Anlage"}, {"q": "Analytik"}],
        "common word + filter": [
            {"q": "Recycling", "topic": topics[2]},
            {"q": "Betrieb", "federal_state": "NI"},
            {"q": "Anlage", "cooperation": "funded_project"},
            {"q": "Analytik", "trl": "4", "challenge": "energy"},
        ],
        "several words": [
            {"q": "Rückgewinnung Lithium"},
            {"q": "Leiterplatten Gold Palladium"},
            {"q": '"Lithium-Ionen-Batterien" Entladung'},
            {"q": "Schlacke Baustoff -Chrom"},
        ],
    }
    browse = {
        "browse newest": [{}],
        "browse by deadline": [{"sort": "deadline"}],
        "browse with a filter": [
            {"topic": topics[6]},
            {"federal_state": "ST"},
            {"cooperation": "testing"},
        ],
        "browse page 10": [{"page": "10"}],
    }
    return search, browse


class Client:
    """One kept-alive connection that times GETs and reads the server's SQL time."""

    def __init__(self, port: int, headers: dict[str, str]):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = headers
        self.sent = 0

    def get(self, path: str) -> tuple[float, dict[str, float]]:
        from bench.web_timing import parse

        self.sent += 1  # a query of its own: never a kept page (module docstring)
        path = f"{path}{'&' if '?' in path else '?'}uncached={self.sent}"
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise Broken(f"{path} answered {response.status}, not 200")
        if b"/accounts/logout/" not in body:
            raise Broken(f"{path} does not show a logged-in member")
        return elapsed, parse(response.getheader("Server-Timing", ""))

    def close(self) -> None:
        self.connection.close()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _measure(client: Client, queries: list[dict], requests: int) -> dict[str, float]:
    paths = [f"/needs/?{urlencode(q)}" if q else "/needs/" for q in queries]
    rounds = max(1, requests // len(paths))
    for path in paths:  # warm: templates, plans, PostgreSQL's buffers, as on a live site
        client.get(path)
    times, sql, counts = [], [], []
    for _round in range(rounds):
        for path in paths:
            elapsed, server = client.get(path)
            times.append(elapsed)
            sql.append(server.get("db", 0.0))
            counts.append(server.get("queries", 0.0))
    return {
        "p50": statistics.median(times),
        "p95": _p95(times),
        "sql_p50": statistics.median(sql),
        "sql_p95": _p95(sql),
        "queries": max(counts),
        "requests": len(times),
    }


def _line(size: int, shape: str, m: dict[str, float]) -> None:
    print(
        f"   {size:>7,} needs  {shape:<22} p50 {m['p50']:6.1f} ms  p95 {m['p95']:6.1f} ms"
        f"   SQL p50 {m['sql_p50']:6.1f} ms  p95 {m['sql_p95']:6.1f} ms"
        f"  ({m['requests']} requests, {m['queries']:.0f} queries each)"
    )


def _explain(topic: str) -> None:
    from django.db import connection

    from members.models import User
    from research_needs.selectors import search_needs

    member = User.objects.filter(email__startswith="bench-author-").order_by("pk").first()
    queryset = search_needs(member, q="Recycling", topic=topic, sort="relevance")[:20]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print(f"   EXPLAIN ANALYZE, first page of 'Recycling' in topic {topic} as a member:")
    for line in plan:
        print(f"     {line}")


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.needs_data import create_needs
    from bench.server import gunicorn
    from bench.sessions import login
    from members.models import Topic, User
    from research_needs.models import Need

    sizes = sized(SIZES, quick=QUICK_SIZES)
    requests = sized(REQUESTS, quick=12)
    topics = list(Topic.objects.order_by("position").values_list("slug", flat=True))
    search, browse = shapes(topics)
    results: dict[int, dict[str, dict]] = {}
    for size in sizes:
        seconds = create_needs(size)
        print(f"   inserted {Need.objects.count():,} needs in {seconds:.1f} s")
        member = User.objects.filter(email__startswith="bench-author-").order_by("pk").first()
        cookie = login(member).headers
        with gunicorn(GUNICORN, env={"FORUM_BENCH_TIMING": "1"}) as server:
            client = Client(server.port, cookie)
            try:
                results[size] = {
                    shape: _measure(client, queries, requests)
                    for shape, queries in {**search, **browse}.items()
                }
            finally:
                client.close()
        for shape, measured in results[size].items():
            _line(size, shape, measured)

    small, large = sizes
    for shape in search:
        figure(f"{shape}, p95 at {small:,}", results[small][shape]["p95"], unit="ms")
    for shape in search:
        figure(
            f"{shape}, p95 at {large:,}",
            results[large][shape]["p95"],
            unit="ms",
            target=below(TARGET_P95_MS),
        )
    for shape in browse:
        before, after = results[small][shape]["p95"], results[large][shape]["p95"]
        figure(
            f"{shape}, p95 {after:.0f} ms at {large:,} : {before:.0f} ms at {small:,}",
            after / before,
            target=at_most(BROWSE_GROWTH),
        )
    _explain(topics[2])

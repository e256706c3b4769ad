"""P2: full-text search over 100,000 research needs, p95 under 30 ms, on the GIN index.

Inserts 100,000 needs of German recycling vocabulary (bench/needs_data.py), then runs
typical German searches through the real selector ``search_needs`` as a member and as a
visitor would, each fetching what the list page shows: the number of hits (counted up to
the list's cap, research_needs.selectors.COUNT_CAP) and the first page ordered by
relevance with its prefetched organisations and topics. Prints p50/p95 and PostgreSQL's plan (EXPLAIN ANALYZE) for one
search, which must show a Bitmap Index Scan on the search vector's GIN index.
"""

import statistics
import time

NEEDS = 100_000
PAGE = 20
ROUNDS = 8
TARGET_P95_MS = 30.0
# Inflected and compound forms, as people type them.
QUERIES = [
    "Batterien",
    "Batterie",
    "Schlacke",
    "Laugung",
    "Kobalt",
    "Leiterplatten Gold",
    "Elektronikschrott",
    "Sortierung",
    "Wolfram",
    "Rückgewinnung Lithium",
    "Katalysator Platin",
    "Filterstaub",
    "Magnete Neodym",
    "Halde",
    "Abwärme",
    "Fachkräfte Weiterbildung",
]


def _one_search(search_needs, user, q):
    from research_needs.selectors import CappedPaginator

    queryset = search_needs(user, q=q, sort="relevance")
    started = time.perf_counter()
    # As the list page does it: its paginator counts up to COUNT_CAP hits ("more than
    # 1,000 research needs" beyond) and fetches the first page (with its prefetches).
    paginator = CappedPaginator(queryset, PAGE)
    total = paginator.count
    page = list(paginator.page(1).object_list)
    return (time.perf_counter() - started) * 1000, total, len(page)


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from bench.needs_data import create_needs
    from members.models import User
    from research_needs.models import Need
    from research_needs.selectors import search_needs

    seconds = create_needs(NEEDS)
    print(f"   inserted {Need.objects.count():,} needs in {seconds:.1f} s")
    member = User.objects.filter(email__startswith="bench-author-").order_by("pk").first()
    people = {"member": member, "visitor": AnonymousUser()}

    for query in QUERIES:  # warm up caches and the connection, as a running site has them
        _one_search(search_needs, member, query)

    for label, user in people.items():
        timings, hits = [], []
        for _round in range(ROUNDS):
            for query in QUERIES:
                elapsed, total, _shown = _one_search(search_needs, user, query)
                timings.append(elapsed)
                hits.append(total)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
        print(
            f"   {label:<8} {len(timings)} searches  p50 {statistics.median(timings):5.1f} ms  "
            f"p95 {p95:5.1f} ms  max {timings[-1]:5.1f} ms  (hits per search "
            f"{min(hits):,} to {max(hits):,})  target p95 < {TARGET_P95_MS:.0f} ms: {verdict}"
        )

    queryset = search_needs(member, q="Batterien", sort="relevance")[:PAGE]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    uses_index = any("Bitmap Index Scan" in line for line in plan)
    print(
        f"   EXPLAIN ANALYZE, first page of 'Batterien' as a member (GIN index used: {uses_index}):"
    )
    for line in plan:
        print(f"     {line}")

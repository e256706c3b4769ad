"""Member directory with 1,000 organisations: latency per page and SQL queries (P1 style)."""

import statistics
import time

ORGANISATIONS = 1000
REQUESTS = 60


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import Organisation, Topic

    topics = list(Topic.objects.all())
    kinds = [k for k, _ in Organisation.Kind.choices]
    states = ["NI", "ST", "TH"]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench Recycling {i:04d} GmbH",
            slug=f"bench-recycling-{i:04d}",
            kind=kinds[i % len(kinds)],
            city="Goslar",
            federal_state=states[i % len(states)],
            description="Aufbereitung von Sekundärrohstoffen im Harz.",
            status=Organisation.Status.APPROVED,
        )
        for i in range(ORGANISATIONS)
    )
    through = Organisation.topics.through
    through.objects.bulk_create(
        through(organisation=org, topic=topics[(i + j) % len(topics)])
        for i, org in enumerate(organisations)
        for j in range(3)
    )

    client = Client()
    urls = {
        "first page": "/members/",
        "filtered": f"/members/?kind=company&federal_state=NI&topic={topics[2].slug}",
        "page 10": "/members/?page=10",
    }
    for label, url in urls.items():
        client.get(url)  # warm up templates and connection
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"   {label:<11} median {statistics.median(timings):6.1f} ms  "
            f"p95 {p95:6.1f} ms  queries {len(queries)}"
        )

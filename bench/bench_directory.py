"""Member directory (/members/) with 1,000 organisations: pages per second against the trivial view, SQL per page.

Inserts 1,000 approved organisations with three topics each. First, in this process through
Django's test client (P1 style), the time and the number of SQL queries of the first page,
a filtered page and page 10. Then through gunicorn with wrk against the trivial view in the
same run (bench/pages.py), the first page for a visitor and for a logged-in member. Target,
as a ratio to the trivial view: at least 0.15 for both.
"""

import statistics
import time

from bench.harness import Broken, at_least, sized

ORGANISATIONS = 1000
REQUESTS = 60
TARGET = 0.15


def _in_process(topics) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    urls = {
        "first page": "/members/",
        "filtered": f"/members/?kind=company&federal_state=NI&topic={topics[2].slug}",
        "page 10": "/members/?page=10",
    }
    for label, url in urls.items():
        client.get(url)  # warm up templates and connection
        timings = []
        for _ in range(sized(REQUESTS, quick=5)):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise Broken(f"{url} answered {response.status_code}, not 200")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
        print(
            f"   in process: {label:<11} median {statistics.median(timings):6.1f} ms  "
            f"p95 {p95:6.1f} ms  queries {len(queries)}"
        )


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.pages import LOGGED_IN, Page, compare
    from bench.sessions import login, member
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
        for i in range(sized(ORGANISATIONS, quick=200))
    )
    through = Organisation.topics.through
    through.objects.bulk_create(
        through(organisation=org, topic=topics[(i + j) % len(topics)])
        for i, org in enumerate(organisations)
        for j in range(3)
    )
    _in_process(topics)
    person = member("bench-directory-member@example.org", organisation=organisations[0])
    compare(
        [
            Page("/members/ visitor", "/members/", at_least(TARGET)),
            Page(
                "/members/ member",
                "/members/",
                at_least(TARGET),
                headers=login(person).headers,
                expect=LOGGED_IN,
            ),
        ]
    )

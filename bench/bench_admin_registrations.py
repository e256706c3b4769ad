"""Admin list of an event's 5,000 registrations for an organiser, against the trivial view.

A two-day forum (bench/bench_event_documents.py) with 5,000 confirmed registrations; an
organiser (staff, Organisers group, with the authenticator app production demands before the
admin opens) asks for /admin/events/registration/ filtered to that event: 100 rows, the
count, the filters and the date hierarchy. Measured through gunicorn with wrk against the
trivial view in the same run (bench/pages.py). No target yet (issue 17 measured 13 to 14 req/s);
the ratio is printed for reference.
"""

from datetime import date

REGISTRATIONS = 5_000
FORUM_DAY = date(2099, 10, 20)


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.bench_event_documents import make_forum
    from bench.harness import sized
    from bench.pages import Page, compare
    from bench.sessions import login, organiser

    count = sized(REGISTRATIONS, quick=500)
    event = make_forum(attendees=count, slug="bench-admin-list", day1=FORUM_DAY)
    print(f"   forum with {event.registrations.count():,} registrations")
    page = Page(
        f"admin list of {count:,} registrations",
        f"/admin/events/registration/?event__id__exact={event.pk}",
        headers=login(organiser()).headers,
        expect='id="changelist"',
    )
    compare([page])

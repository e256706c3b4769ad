"""Event page of the two-day forum (80 programme items, 40 stands) for visitors and members.

The forum is the one the PDF benchmark builds (bench/bench_event_documents.py: four rooms,
80 items, 60 speakers, 40 stands) with 300 confirmed attendees, at fixed dates. It is the
busiest page when registration opens. Measured through gunicorn with wrk against the trivial
view in the same run (bench/pages.py): a visitor, and a logged-in member of an organisation
who has not registered yet. Targets, as ratios to the trivial view: visitors at least 0.4,
members at least 0.15.
"""

from datetime import date

from bench.harness import at_least

VISITOR_TARGET = 0.4
MEMBER_TARGET = 0.15
ATTENDEES = 300
FORUM_DAY = date(2099, 9, 15)  # fixed: the page shows the same days whenever it runs


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.bench_event_documents import make_forum
    from bench.pages import LOGGED_IN, Page, compare
    from bench.sessions import login, member

    event = make_forum(attendees=ATTENDEES, slug="bench-event-page", day1=FORUM_DAY)
    print(
        f"   forum: {event.items.count()} items, {event.stands.count()} stands, "
        f"{event.speakers.count()} speakers, {ATTENDEES} confirmed attendees"
    )
    path = event.get_absolute_url()
    compare(
        [
            Page("event page visitor", path, at_least(VISITOR_TARGET)),
            Page(
                "event page member",
                path,
                at_least(MEMBER_TARGET),
                headers=login(member("bench-event-member@example.org")).headers,
                expect=LOGGED_IN,
            ),
        ]
    )

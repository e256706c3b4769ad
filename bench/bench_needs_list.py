"""P3: /needs/ with 10,000 needs, for a visitor and for a logged-in member, against a trivial view.

Inserts 10,000 needs (bench/needs_data.py) and measures through gunicorn with wrk
(bench/pages.py): the trivial view (``/bench/trivial/``, "ok" through the full middleware
stack), /needs/ for a visitor (who gets the cached page, research_needs/cache.py) and
/needs/ for a member of one of the organisations (the page rendered for them around the
list's content, which is kept per viewer state: research_needs/views/needs.py, issue 17;
the search benchmark measures the list rendered anew). Targets,
as ratios to the trivial view in the same run: visitors at least 0.4, members at least 0.15.
"""

from bench.harness import at_least, sized

NEEDS = 10_000
VISITOR_TARGET = 0.4
MEMBER_TARGET = 0.15


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.needs_data import create_needs
    from bench.pages import LOGGED_IN, Page, compare
    from bench.sessions import login
    from members.models import User
    from research_needs.models import Need

    seconds = create_needs(sized(NEEDS, quick=1_000))
    print(f"   inserted {Need.objects.count():,} needs in {seconds:.1f} s")
    author = User.objects.filter(email__startswith="bench-author-").order_by("pk").first()
    compare(
        [
            Page("/needs/ visitor", "/needs/", at_least(VISITOR_TARGET)),
            Page(
                "/needs/ member",
                "/needs/",
                at_least(MEMBER_TARGET),
                headers=login(author).headers,
                expect=LOGGED_IN,
            ),
        ]
    )

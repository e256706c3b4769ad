"""The organisers' meeting schedule in Chromium (issue 14, organiser mode): Olga runs the
scheduler on the admin page, a move that clashes is refused with its reason, she publishes;
the participant page hides times before publication. axe finds nothing in either language;
the pages are photographed at 1366 and 390 pixels (test-artifacts/meetings-schedule-*.png)."""

from datetime import datetime, time, timedelta

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    check,
    login,
    make_attendee,
    make_event,
    make_person,
    make_user,
    open_page,
    prefer_language,
    prefix,
    submit,
    t,
    url,
)

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
NAMES = ["Anna Schmidt", "Ben Krause", "Carla Cruz", "Dora Wolf", "Emil Brandt", "Frida Lang"]


@pytest.fixture
def schedule_cast(live_site):
    from django.utils import timezone

    from events.models import BERLIN
    from events.models_meetings import (
        MeetingParticipant,
        MeetingPlace,
        MeetingRequest,
        MeetingSettings,
        MeetingSlot,
    )

    olga = make_person("olga", organiser=True)
    anna = make_person("anna")
    forum = make_event(
        in_days=25, hours=9, kind="forum", title="Innovationsforum Harz", slug="forum"
    )
    MeetingSettings.objects.create(
        event=forum,
        enabled=True,
        mode=MeetingSettings.Mode.ORGANISER,
        requests_deadline=timezone.now() - timedelta(hours=1),
    )
    day = forum.starts_at.astimezone(BERLIN).date()
    start = datetime.combine(day, time(10), tzinfo=BERLIN)
    slots = [
        MeetingSlot.objects.create(
            event=forum,
            starts_at=start + timedelta(minutes=20 * index),
            ends_at=start + timedelta(minutes=20 * (index + 1)),
        )
        for index in range(4)
    ]
    for name in ("Tisch 1", "Tisch 2", "Tisch 3"):
        MeetingPlace.objects.create(event=forum, name=name)
    people = []
    for index, name in enumerate(NAMES):
        user = anna if index == 0 else make_user(f"person{index}@example.org")
        registration = make_attendee(forum, user=user, name=name, email=user.email)
        participant = MeetingParticipant.objects.create(event=forum, registration=registration)
        participant.available_slots.set(slots)
        people.append(participant)
    now = timezone.now()
    for a, b in [(0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 5), (0, 5)]:
        MeetingRequest.objects.create(
            event=forum,
            requester=people[a],
            recipient=people[b],
            status="accepted",
            expires_at=now,
            answered_at=now,
            unscheduled_reason="awaiting-schedule",
        )
    return {"olga": olga, "anna": anna, "forum": forum}


def _photograph(page, name, language):
    for label, size in (("1366", WIDE), ("390", NARROW)):
        page.set_viewport_size(size)
        check(page, language)
        page.screenshot(
            path=str(ARTIFACTS / f"meetings-schedule-{name}-{language}-{label}.png"),
            full_page=True,
        )
    page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_organiser_runs_moves_and_publishes(schedule_cast, new_page, language):
    from events.models_meetings import MeetingRequest

    olga, anna, forum = schedule_cast["olga"], schedule_cast["anna"], schedule_cast["forum"]
    prefer_language([olga, anna], language)
    ARTIFACTS.mkdir(exist_ok=True)

    # Anna sees her meetings accepted, without times, before publication.
    participant = new_page(viewport=WIDE)
    login(participant, anna.email, PASSWORD, language)
    open_page(participant, url(language, "events:meetings", slug=forum.slug))
    assert participant.locator(".meeting-when").count() == 0
    _photograph(participant, "participant-before", language)

    page = new_page(viewport=WIDE)
    login(page, olga.email, PASSWORD, language)
    path = f"{prefix(language)}/admin/events/event/{forum.pk}/meetings/schedule/"
    open_page(page, path)
    check(page, language)
    submit(page, page.get_by_role("button", name=t(language, "Run the scheduler")))
    assert MeetingRequest.objects.filter(slot__isnull=False).count() == 7
    _photograph(page, "admin", language)

    # Move Anna's meeting with Carla into the slot of her meeting with Ben: refused.
    ben_meeting = MeetingRequest.objects.get(recipient__registration__name="Ben Krause")
    carla_meeting = MeetingRequest.objects.get(recipient__registration__name="Carla Cruz")
    row = page.locator(f"#meeting-{carla_meeting.pk}")
    row.locator("select[name=slot]").select_option(str(ben_meeting.slot_id))
    submit(page, row.get_by_role("button", name=t(language, "Move")), status=400)
    reason = t(
        language,
        "%(name)s already meets %(other)s at that time.",
        name="Anna Schmidt",
        other="Ben Krause",
    )
    assert reason in page.locator("#move").inner_text()
    _photograph(page, "admin-refused", language)

    submit(page, page.get_by_role("button", name=t(language, "Publish the schedule")))
    check(page, language)
    open_page(participant, url(language, "events:meetings", slug=forum.slug))
    assert participant.locator(".meeting-when").count() == 3
    _photograph(participant, "participant-after", language)

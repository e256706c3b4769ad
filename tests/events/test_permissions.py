"""Who may open which events/ URL (PRODUCT.md 4): hidden things answer 404, visitors who
must log in go to the login page. Every URL pattern of events/ is in the matrix."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events import permissions
from events.models import Registration
from tests.factories import (
    CalendarFeedFactory,
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    SpeakerFactory,
    StandFactory,
    UserFactory,
)
from tests.matrix import ANY, LOGIN, MATRIX_ARGS, cases, check, url_names

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "other_member", "member", "host_admin", "organiser"]
# ANY: served by the documents helper's views; checked in its own tests.

# name, method, args, expected per role; "member" is a confirmed attendee of the event.
MATRIX = [
    ("list", "get", lambda w: [], [200, 200, 200, 200, 200]),
    ("detail", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("detail", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("item", "get", lambda w: [w["event"].slug, w["item"].pk], [200, 200, 200, 200, 200]),
    ("item", "get", lambda w: [w["draft"].slug, w["draft_item"].pk], [404, 404, 404, 404, 200]),
    ("item", "get", lambda w: [w["event"].slug, w["draft_item"].pk], [404, 404, 404, 404, 404]),
    ("exhibitors", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("exhibitors", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("attendees", "get", lambda w: [w["event"].slug], [LOGIN, 404, 200, 404, 200]),
    ("attendees", "get", lambda w: [w["draft"].slug], [LOGIN, 404, 404, 404, 200]),
    ("register", "get", lambda w: [w["open"].slug], [200, 200, 200, 200, 200]),
    # The attendee already has a registration: they are sent to it.
    ("register", "get", lambda w: [w["event"].slug], [200, 200, 302, 200, 200]),
    ("register", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("stand_apply", "get", lambda w: [w["event"].slug], [LOGIN, 200, 200, 200, 404]),
    ("stand_apply", "get", lambda w: [w["draft"].slug], [LOGIN, 404, 404, 404, 404]),
    # The link opens a page with a button (only its POST confirms); confirmed: to the page.
    ("guest_confirm", "get", lambda w: [w["guest"].token], [200, 200, 200, 200, 200]),
    ("guest_confirm", "get", lambda w: [w["attendee"].token], [302, 302, 302, 302, 302]),
    ("guest_confirm", "get", lambda w: ["not-a-token"], [404, 404, 404, 404, 404]),
    # Cancelling asks first; the token is the permission, as for the registration page.
    ("registration_cancel", "get", lambda w: [w["guest"].token], [200, 200, 200, 200, 200]),
    ("registration_cancel", "get", lambda w: [w["attendee"].token], [200, 200, 200, 200, 200]),
    ("registration_cancel", "get", lambda w: [w["cancelled"].token], [302] * 5),
    ("registration_cancel", "get", lambda w: ["not-a-token"], [404, 404, 404, 404, 404]),
    ("register_sent", "get", lambda w: [w["open"].slug], [200, 200, 200, 200, 200]),
    ("register_sent", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    # Only a member of the organisation that applied (other_member's) sees the page.
    ("stand_withdraw", "get", lambda w: [w["event"].slug], [LOGIN, 200, 404, 404, 404]),
    ("stand_withdraw", "get", lambda w: [w["draft"].slug], [LOGIN, 404, 404, 404, 404]),
    ("registration", "get", lambda w: [w["guest"].token], [200, 200, 200, 200, 200]),
    ("registration", "get", lambda w: ["not-a-token"], [404, 404, 404, 404, 404]),
    ("checkin", "get", lambda w: [w["event"].slug], [LOGIN, 404, 404, 404, 200]),
    ("checkin_code", "get", lambda w: [w["attendee"].checkin_code], [LOGIN, 404, 404, 404, 200]),
    ("checkin_code", "get", lambda w: ["nope"], [LOGIN, 404, 404, 404, 404]),
    # The door (issue 15): organisers and staff only; the polled status answers JSON or 404.
    ("checkin_status", "get", lambda w: [w["event"].slug], [404, 404, 404, 404, 200]),
    ("checkin_status", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    (
        "checkin",
        "post",
        lambda w: [w["event"].slug],
        [LOGIN, 404, 404, 404, 404],  # nobody is registration 0
        lambda: {"action": "undo", "registration": "0"},
    ),
    (
        "checkin_walk_in",
        "post",
        lambda w: [w["event"].slug],
        [LOGIN, 404, 404, 404, 302],
        lambda: {"walkin-name": "Walk In"},
    ),
    ("my_registrations", "get", lambda w: [], [LOGIN, 200, 200, 200, 200]),
    ("programme_pdf", "get", lambda w: [w["event"].slug], [ANY] * 5),
    ("calendar", "get", lambda w: [w["event"].slug], [ANY] * 5),
    ("item_calendar", "get", lambda w: [w["event"].slug, w["item"].pk], [ANY] * 5),
    ("feed", "get", lambda w: [w["feed"].token], [ANY] * 5),
    ("badges_pdf", "get", lambda w: [w["event"].slug], [ANY] * 5),
    # The programme grid, speakers and exports follow the event (issue 16).
    ("programme", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("programme", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("changelog", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("changelog", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("speakers", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("speakers", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("speaker", "get", lambda w: [w["event"].slug, w["speaker"].pk], [200, 200, 200, 200, 200]),
    ("speaker", "get", lambda w: [w["draft"].slug, w["draft_speaker"].pk], [404] * 4 + [200]),
    ("speaker", "get", lambda w: [w["event"].slug, w["draft_speaker"].pk], [404] * 5),
    ("schedule_xml", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("schedule_xml", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    ("schedule_json", "get", lambda w: [w["event"].slug], [200, 200, 200, 200, 200]),
    ("schedule_json", "get", lambda w: [w["draft"].slug], [404, 404, 404, 404, 200]),
    # The personal agenda (issue 16, item 4): members log in; guests hold their link.
    ("agenda", "get", lambda w: [w["event"].slug], [LOGIN, 200, 200, 200, 200]),
    ("agenda", "get", lambda w: [w["draft"].slug], [LOGIN, 404, 404, 404, 200]),
    ("agenda_pdf", "get", lambda w: [w["event"].slug], [LOGIN, 200, 200, 200, 200]),
    ("agenda_pdf", "get", lambda w: [w["draft"].slug], [LOGIN, 404, 404, 404, 200]),
    ("agenda_guest", "get", lambda w: [w["guest"].token], [200] * 5),
    ("agenda_guest", "get", lambda w: [w["cancelled"].token], [404] * 5),
    ("agenda_guest", "get", lambda w: ["not-a-token"], [404] * 5),
    ("agenda_guest", "get", lambda w: [w["draft_guest"].token], [404] * 5),
    ("agenda_guest_pdf", "get", lambda w: [w["guest"].token], [200] * 5),
    ("agenda_guest_pdf", "get", lambda w: [w["cancelled"].token], [404] * 5),
    (
        "star",
        "post",
        lambda w: [w["event"].slug, w["item"].pk],
        [LOGIN, 302, 302, 302, 302],
        lambda: {"starred": "1"},
    ),
    (
        "star",
        "post",
        lambda w: [w["draft"].slug, w["draft_item"].pk],
        [LOGIN, 404, 404, 404, 302],
        lambda: {"starred": "1"},
    ),
    (
        "star",
        "post",
        lambda w: [w["event"].slug, w["item"].pk],
        [302] * 5,
        lambda: {"starred": "1", "token": WORLD_GUEST_TOKEN},
    ),
    (
        "star",
        "post",
        lambda w: [w["event"].slug, w["item"].pk],
        [404] * 5,
        lambda: {"starred": "1", "token": "not-a-token"},
    ),
    # B2B meetings (issue 14): confirmed participants; others read why they cannot take part.
    ("meetings", "get", lambda w: [_meetings(w)["event"].slug], [LOGIN, 200, 200, 200, 200]),
    ("meetings", "get", lambda w: [w["draft"].slug], [LOGIN, 404, 404, 404, 404]),
    ("meetings", "get", lambda w: [w["open"].slug], [LOGIN, 404, 404, 404, 404]),  # off
    (
        "meeting_request",
        "post",
        lambda w: [w["event"].slug, _meetings(w)["other"].pk],
        [LOGIN, 404, 302, 404, 404],
        lambda: {"message": "Hallo"},
    ),
    (
        "meeting_answer",
        "post",
        lambda w: [w["event"].slug, _meetings(w)["received"].pk],
        [LOGIN, 404, 302, 404, 404],
        lambda: {"answer": "accept"},
    ),
    (
        "meeting_cancel",
        "post",
        lambda w: [w["event"].slug, _meetings(w)["meeting"].pk],
        [LOGIN, 404, 302, 404, 404],
    ),
    (
        "meeting_move",
        "post",
        lambda w: [w["event"].slug, _meetings(w)["meeting"].pk],
        [LOGIN, 404, 302, 404, 404],
    ),
    # Outcomes: the two sides only; figures and venue PDFs: organisers only.
    (
        "meeting_outcome",
        "get",
        lambda w: [w["event"].slug, _meetings(w)["meeting"].pk],
        [LOGIN, 404, 200, 404, 404],
    ),
    (
        "meeting_outcome",
        "post",
        lambda w: [w["event"].slug, _meetings(w)["meeting"].pk],
        [LOGIN, 404, 400, 404, 404],  # the member's meeting has not started yet
        lambda: {"outcome": "held", "useful": "yes"},
    ),
    ("meeting_figures", "get", lambda w: [_meetings(w)["event"].slug], [LOGIN, 404, 404, 404, 200]),
    ("meeting_figures", "get", lambda w: [w["open"].slug], [LOGIN, 404, 404, 404, 404]),
    (
        "meeting_signs_pdf",
        "get",
        lambda w: [_meetings(w)["event"].slug],
        [LOGIN, 404, 404, 404, 200],
    ),
    (
        "meeting_lists_pdf",
        "get",
        lambda w: [_meetings(w)["event"].slug],
        [LOGIN, 404, 404, 404, 200],
    ),
    # The agendas ZIP (issue 14): organisers only; built by the matrix's own task run.
    (
        "agenda_pack_build",
        "post",
        lambda w: [_meetings(w)["event"].slug],
        [LOGIN, 404, 404, 404, 302],
    ),
    (
        "agenda_pack_download",
        "get",
        lambda w: [_agenda_pack(w).slug],
        [LOGIN, 404, 404, 404, 200],
    ),
    ("agenda_pack_download", "get", lambda w: [w["open"].slug], [LOGIN, 404, 404, 404, 404]),
]
WORLD_GUEST_TOKEN = "guest-token-of-the-permission-world"


def _agenda_pack(w):
    from events import tasks

    event = _meetings(w)["event"]
    tasks.build_agenda_pack(event.pk)
    return event


def _meetings(w):
    """Meetings on for ``w["event"]``: the member and two others opted in; a request to the
    member waits, the member has a meeting with the third."""
    if "meetings" in w:
        return w["meetings"]
    from events.models_meetings import MeetingPlace, MeetingSettings, MeetingSlot
    from events.services import meetings as services
    from tests.factories import UserFactory

    event = w["event"]
    MeetingSettings.objects.create(event=event, enabled=True)
    for index in range(3):
        start = event.starts_at + timedelta(minutes=20 * index)
        MeetingSlot.objects.create(
            event=event, starts_at=start, ends_at=start + timedelta(minutes=20)
        )
    MeetingPlace.objects.create(event=event, name="Tisch 1")
    slots = list(event.meeting_slots.all())
    member = w["users"]["member"]
    people = {}
    for key in ("other", "third"):
        user = UserFactory()
        RegistrationFactory(event=event, user=user, email=user.email)
        people[key] = user
    participants = {}
    for key, user in [("member", member), *people.items()]:
        participants[key] = services.meeting_opt_in(
            event=event, actor=user, offer="", looking_for="", slots=slots
        )
    received = services.meeting_request_send(
        event=event, actor=people["other"], recipient=participants["member"], message=""
    )
    meeting = services.meeting_request_send(
        event=event, actor=member, recipient=participants["third"], message=""
    )
    meeting = services.meeting_answer(request=meeting, actor=people["third"], accept=True)
    w["meetings"] = {
        "event": event,
        "other": participants["other"],
        "received": received,
        "meeting": meeting,
    }
    return w["meetings"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Built files (the agendas ZIP) go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(host, host_admin, member, other_member, organiser_user):
    event = EventFactory(host=host, slug="forum", title="Forum")
    draft = EventFactory(host=host, slug="entwurf", draft=True)
    attendee = RegistrationFactory(event=event, user=member, email=member.email)
    return {
        "event": event,
        "draft": draft,
        "open": EventFactory(host=host, slug="offen"),
        "item": ProgrammeItemFactory(event=event),
        "draft_item": ProgrammeItemFactory(event=draft),
        "guest": RegistrationFactory(event=event, pending=True, token=WORLD_GUEST_TOKEN),
        "draft_guest": RegistrationFactory(event=draft),
        "cancelled": RegistrationFactory(event=event, cancelled=True),
        "own_stand": StandFactory(
            event=event, organisation=other_member.memberships.get().organisation
        ),
        "attendee": attendee,
        "stand": StandFactory(event=event, status="confirmed"),
        "feed": CalendarFeedFactory(user=member),
        "speaker": SpeakerFactory(event=event),
        "draft_speaker": SpeakerFactory(event=draft),
        "users": {
            "visitor": None,
            "other_member": other_member,
            "member": member,
            "host_admin": host_admin,
            "organiser": organiser_user,
        },
    }


@pytest.mark.parametrize(MATRIX_ARGS, cases(MATRIX, ROLES))
def test_permission_matrix(client, world, name, method, args, role, expected, data):
    check(client, world, "events", name, method, args, role, expected, data)


def test_permission_matrix_covers_every_events_url():
    from events.urls import urlpatterns

    assert url_names(urlpatterns) == {row[0] for row in MATRIX}


@pytest.mark.parametrize("role", ["visitor", "other_member", "member", "host_admin"])
def test_check_in_post_refused_for_non_staff(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    attendee = world["attendee"]

    client.post(reverse("events:checkin_code", args=[attendee.checkin_code]))
    client.post(
        reverse("events:checkin", args=[world["event"].slug]), {"registration": attendee.pk}
    )

    attendee.refresh_from_db()
    assert attendee.checked_in_at is None


def test_a_token_only_opens_its_own_registration(client, world):
    other = RegistrationFactory(event=world["event"])
    url = reverse("events:registration_cancel", args=[world["guest"].token])

    client.post(url, {"confirm": "yes", "registration": other.pk})

    other.refresh_from_db()
    world["guest"].refresh_from_db()
    assert other.status == Registration.Status.CONFIRMED
    assert world["guest"].status == Registration.Status.CANCELLED


# --- predicates ------------------------------------------------------------------------------


def test_can_see_event_draft_only_organisers(world, member, organiser_user):
    assert not permissions.can_see_event(member, world["draft"])
    assert permissions.can_see_event(organiser_user, world["draft"])
    assert permissions.can_see_event(None, world["event"])


def test_can_see_attendee_list(world, member, other_member, organiser_user):
    event = world["event"]
    assert permissions.can_see_attendee_list(member, event, world["attendee"])
    assert not permissions.can_see_attendee_list(other_member, event, None)
    waiting = RegistrationFactory(event=event, waitlisted=True)
    assert not permissions.can_see_attendee_list(other_member, event, waiting)
    assert permissions.can_see_attendee_list(organiser_user, event, None)


def test_can_check_in_staff_only(member, organiser_user):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_check_in(organiser_user)
    assert not permissions.can_check_in(member)
    assert not permissions.can_check_in(AnonymousUser())


def test_can_change_registration_only_active_and_ahead(world):
    assert permissions.can_change_registration(world["attendee"])
    assert not permissions.can_change_registration(world["cancelled"])
    past = RegistrationFactory(event=EventFactory(past=True))
    assert not permissions.can_change_registration(past)
    called_off = RegistrationFactory(event=EventFactory(cancelled=True))
    assert not permissions.can_change_registration(called_off)


def test_stand_rules(world, member, other_member, organiser_user):
    own = world["own_stand"]
    assert permissions.can_withdraw_stand(other_member, own)
    assert permissions.can_withdraw_stand(organiser_user, own)
    assert not permissions.can_withdraw_stand(member, own)
    assert permissions.stand_can_be_withdrawn(own)
    assert not permissions.stand_can_be_withdrawn(StandFactory(status="declined"))
    assert not permissions.stand_can_be_withdrawn(StandFactory(event=EventFactory(past=True)))
    assert permissions.takes_stand_applications(world["event"])
    assert not permissions.takes_stand_applications(world["draft"])


def test_can_be_checked_in_only_confirmed(world):
    assert permissions.can_be_checked_in(world["attendee"])
    assert not permissions.can_be_checked_in(world["guest"])
    assert not permissions.can_be_checked_in(world["cancelled"])


def test_drafts_and_every_attendee_only_for_organisers(member, organiser_user):
    assert permissions.can_see_drafts(organiser_user)
    assert not permissions.can_see_drafts(member)
    assert permissions.can_see_every_attendee(organiser_user)
    assert not permissions.can_see_every_attendee(member)
    assert permissions.can_manage_events(organiser_user)
    assert not permissions.can_manage_events(None)


def test_require_organiser_refuses_everyone_but_organisers(member, organiser_user):
    permissions.require_organiser(organiser_user)
    for someone in (member, UserFactory(is_staff=True), AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            permissions.require_organiser(someone)

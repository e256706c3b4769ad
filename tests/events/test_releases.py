"""Schedule releases (issue 16, item 6): after a release the public sees the released
programme, not the organisers' working copy; the next release shows the changes marked,
lists them publicly, tells whoever starred a changed item by email and rebuilds the PDF."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from events import selectors, signals
from events.models import BERLIN, AgendaStar, ProgrammeItem, Room
from events.models_releases import ScheduleRelease
from events.notifications_releases import KIND, schedule_released
from events.services import releases
from forum.notifications.models import Notification
from tests.factories import (
    EventFactory,
    MembershipFactory,
    ProfileFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    organiser,
)

pytestmark = pytest.mark.django_db

START = datetime(2099, 6, 10, 9, 0, tzinfo=BERLIN)
DASH = "\u2013"  # between the start and end times


def url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def tr(language: str, msgid: str, context: str = "") -> str:
    with translation.override(language):
        return pgettext(context, msgid) if context else gettext(msgid)


@pytest.fixture
def staff(db):
    return organiser(first_name="Olga", last_name="Ober")


@pytest.fixture
def world(db):
    event = EventFactory(title="Innovationsforum 2099", slug="forum-2099", starts_at=START)
    oker = RoomFactory(event=event, name="Raum Oker")
    harz = RoomFactory(event=event, name="Raum Harz")
    weber = SpeakerFactory(event=event, name="Dr. Anna Weber")
    talk = ProgrammeItemFactory(
        event=event,
        title="Indium aus Zinkrückständen",
        starts_at=START + timedelta(hours=1),
        room=oker,
        speakers=[weber],
    )
    panel = ProgrammeItemFactory(
        event=event, title="Podium Kreislaufwirtschaft", starts_at=START + timedelta(hours=2)
    )
    return SimpleNamespace(event=event, oker=oker, harz=harz, weber=weber, talk=talk, panel=panel)


def move(item, hours: float, room: Room | None = None) -> None:
    """An organiser's edit of the live item (as the admin or the editor makes it)."""
    starts = START + timedelta(hours=hours)
    ProgrammeItem.objects.filter(pk=item.pk).update(
        starts_at=starts, ends_at=starts + timedelta(minutes=30), room=room
    )


def shown(event) -> dict:
    return {item.pk: item for item in selectors.programme(event)}


# --- What the public sees ---------------------------------------------------------------------


def test_without_a_release_the_public_sees_the_live_programme(world):
    move(world.talk, 3, world.harz)

    talk = shown(world.event)[world.talk.pk]

    assert talk.starts_at == START + timedelta(hours=3)
    assert talk.room == world.harz
    assert talk.change is None


def test_first_release_publishes_the_programme_as_it_is_and_marks_nothing(world, staff):
    release = releases.schedule_release(event=world.event, actor=staff, comment="Erste Fassung")

    assert (release.version, release.released_by, release.changes) == (1, staff, [])
    assert set(release.snapshot) == {str(world.talk.pk), str(world.panel.pk)}
    assert all(item.change is None for item in selectors.programme(world.event))


def test_after_a_release_changes_wait_for_the_next_one(client, world, staff):
    releases.schedule_release(event=world.event, actor=staff)
    move(world.talk, 4, world.harz)
    ProgrammeItem.objects.filter(pk=world.panel.pk).update(title="Podium Rohstoffwende")
    world.talk.speakers.clear()
    added = ProgrammeItemFactory(event=world.event, title="Neu: Schwarzmasse")

    items = shown(world.event)
    talk = items[world.talk.pk]
    assert (talk.starts_at, talk.room, list(talk.speakers.all())) == (
        START + timedelta(hours=1),
        world.oker,
        [world.weber],
    )
    assert items[world.panel.pk].title == "Podium Kreislaufwirtschaft"
    assert added.pk not in items
    page = client.get(url("de", "events:programme", world.event.slug)).content.decode()
    assert "Podium Kreislaufwirtschaft" in page and "Rohstoffwende" not in page
    assert client.get(url("de", "events:item", world.event.slug, added.pk)).status_code == 404
    speaker = client.get(url("de", "events:speaker", world.event.slug, world.weber.pk))
    assert "Indium aus Zinkrückständen" in speaker.content.decode()
    schedule = client.get(url("de", "events:schedule_json", world.event.slug)).content.decode()
    assert "Neu: Schwarzmasse" not in schedule and "Podium Kreislaufwirtschaft" in schedule


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_next_release_shows_the_changes_marked(client, world, staff, language):
    releases.schedule_release(event=world.event, actor=staff)
    move(world.talk, 4, world.harz)
    ProgrammeItem.objects.filter(pk=world.panel.pk).update(title="Podium Rohstoffwende")
    added = ProgrammeItemFactory(
        event=world.event, title="Neu: Schwarzmasse", starts_at=START + timedelta(hours=6)
    )

    release = releases.schedule_release(
        event=world.event, actor=staff, comment="Der Vortrag musste verlegt werden."
    )

    assert release.version == 2
    assert [(row["item"], row["change"]) for row in release.changes] == [
        (world.panel.pk, "changed"),
        (world.talk.pk, "moved"),
        (added.pk, "new"),
    ]
    items = shown(world.event)
    assert items[world.talk.pk].starts_at == START + timedelta(hours=4)
    assert items[world.talk.pk].room == world.harz
    assert {pk: item.change for pk, item in items.items()} == {
        world.talk.pk: "moved",
        world.panel.pk: "changed",
        added.pk: "new",
    }
    page = client.get(url(language, "events:programme", world.event.slug)).content.decode()
    for label in ("Moved", "Changed", "New"):
        assert f">{tr(language, label, 'schedule change')}</span>" in page
    item_page = client.get(url(language, "events:item", world.event.slug, world.talk.pk))
    assert f">{tr(language, 'Moved', 'schedule change')}</span>" in item_page.content.decode()
    changelog = client.get(url(language, "events:changelog", world.event.slug)).content.decode()
    assert "Der Vortrag musste verlegt werden." in changelog
    assert (
        f"10:00{DASH}10:30, Raum Oker" in changelog and f"13:00{DASH}13:30, Raum Harz" in changelog
    )
    assert changelog.index('id="v2"') < changelog.index('id="v1"')


def test_a_removed_item_is_listed_as_removed(world, staff):
    releases.schedule_release(event=world.event, actor=staff)
    ProgrammeItem.objects.filter(pk=world.panel.pk).delete()

    release = releases.schedule_release(event=world.event, actor=staff)

    [row] = release.change_rows()
    assert (row["item"], row["change"], row["title"], row["after"]) == (
        world.panel.pk,
        "removed",
        "Podium Kreislaufwirtschaft",
        None,
    )
    assert row["before"] == {
        "starts_at": START + timedelta(hours=2),
        "ends_at": START + timedelta(hours=2, minutes=30),
        "room_name": "",
    }
    assert world.panel.pk not in shown(world.event)


# --- Refusals ---------------------------------------------------------------------------------


def test_a_release_without_changes_is_refused(world, staff):
    releases.schedule_release(event=world.event, actor=staff)

    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="Nothing has changed since version 1"),
    ):
        releases.schedule_release(event=world.event, actor=staff)
    assert ScheduleRelease.objects.count() == 1


def test_an_empty_programme_is_not_released(staff):
    with translation.override("en"), pytest.raises(ValidationError, match="no items yet"):
        releases.schedule_release(event=EventFactory(), actor=staff)


def test_a_cancelled_event_is_not_released(world, staff):
    world.event.status = "cancelled"
    world.event.save()

    with translation.override("en"), pytest.raises(ValidationError, match="cancelled"):
        releases.schedule_release(event=world.event, actor=staff)


def test_a_release_from_an_out_of_date_form_is_refused(world, staff):
    releases.schedule_release(event=world.event, actor=staff)
    move(world.talk, 5)

    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="Version 1 was released meanwhile"),
    ):
        releases.schedule_release(event=world.event, actor=staff, expected_version=1)
    assert releases.schedule_release(event=world.event, actor=staff, expected_version=2)


@pytest.mark.parametrize("who", ["member", "staff_without_group", "anonymous"])
def test_only_organisers_release(world, who):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "member": lambda: MembershipFactory().user,
        "staff_without_group": lambda: UserFactory(is_staff=True),
        "anonymous": AnonymousUser,
    }[who]()

    with pytest.raises(PermissionDenied):
        releases.schedule_release(event=world.event, actor=actor)
    assert not ScheduleRelease.objects.exists()


# --- Mail to whoever starred a changed item ---------------------------------------------------


@pytest.fixture
def stars(world):
    """An English-speaking member starred the talk and the panel; a German guest the talk;
    another member only an item that stays as it is."""
    member = MembershipFactory(user__first_name="Erik", user__last_name="Lang").user
    ProfileFactory(user=member, preferred_language="en")
    guest = RegistrationFactory(event=world.event, name="Gesa Gast", language="de")
    calm = MembershipFactory().user
    quiet = ProgrammeItemFactory(event=world.event, title="Mittagspause", kind="break")
    AgendaStar.objects.create(item=world.talk, user=member)
    AgendaStar.objects.create(item=world.panel, user=member)
    AgendaStar.objects.create(item=world.talk, registration=guest)
    AgendaStar.objects.create(item=quiet, user=calm)
    return SimpleNamespace(member=member, guest=guest, calm=calm)


def _release_with_changes(world, staff, deliver):
    releases.schedule_release(event=world.event, actor=staff)
    move(world.talk, 4, world.harz)
    ProgrammeItem.objects.filter(pk=world.panel.pk).update(title="Podium Rohstoffwende")
    with deliver(execute=True):
        return releases.schedule_release(
            event=world.event, actor=staff, comment="Raum Oker wird renoviert."
        )


def test_whoever_starred_a_changed_item_gets_one_mail_in_their_language(
    world, staff, stars, django_capture_on_commit_callbacks
):
    release = _release_with_changes(world, staff, django_capture_on_commit_callbacks)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {stars.member.email, stars.guest.email}
    english = by_address[stars.member.email]
    assert english.subject == "Programme changes: Innovationsforum 2099"
    body = english.body
    assert "Hello Erik Lang," in body
    assert "released version 2 of the programme. Items you starred have changed:" in body
    assert "Indium aus Zinkrückständen (Moved)" in body
    assert f"Before: Wednesday, 10 June 2099, 10:00{DASH}10:30, Raum Oker" in body
    assert f"Now: Wednesday, 10 June 2099, 13:00{DASH}13:30, Raum Harz" in body
    assert "Podium Rohstoffwende (Changed)" in body
    assert "Raum Oker wird renoviert." in body
    assert f"{settings.SITE_URL}/en/events/forum-2099/agenda/" in body
    html = english.alternatives[0][0]
    assert f"13:00{DASH}13:30, Raum Harz" in html and "Raum Oker wird renoviert." in html
    german = by_address[stars.guest.email].body
    assert by_address[stars.guest.email].subject == tr("de", "Programme changes: %(title)s") % {
        "title": "Innovationsforum 2099"
    }
    assert "Gesa Gast" in german
    assert "Indium aus Zinkrückständen" in german and "Podium" not in german
    assert f"13:00{DASH}13:30, Raum Harz" in german and "Mittwoch" in german
    assert stars.guest.token in german  # the guest's own agenda link
    # Recording again (a retried task) makes no second mail.
    schedule_released(release)
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_a_member_who_is_also_the_guest_gets_one_mail(
    world, staff, django_capture_on_commit_callbacks
):
    member = MembershipFactory().user
    registration = RegistrationFactory(event=world.event, user=member, email=member.email)
    AgendaStar.objects.create(item=world.talk, user=member)
    AgendaStar.objects.create(item=world.talk, registration=registration)

    _release_with_changes(world, staff, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[member.email]]


def test_a_cancelled_guest_registration_is_not_told(
    world, staff, django_capture_on_commit_callbacks
):
    guest = RegistrationFactory(event=world.event, cancelled=True)
    AgendaStar.objects.create(item=world.talk, registration=guest)

    _release_with_changes(world, staff, django_capture_on_commit_callbacks)

    assert mail.outbox == []


# --- The programme PDF --------------------------------------------------------------------------


def test_a_release_rebuilds_the_pdf(world, staff, monkeypatch):
    queued = []
    monkeypatch.setattr(releases, "programme_pdf_queue", queued.append)

    releases.schedule_release(event=world.event, actor=staff)

    assert queued == [world.event.pk]


@override_settings(EVENTS_PDF_AUTOBUILD=True)
def test_item_saves_after_a_release_wait_for_the_next_release(
    world, staff, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(signals, "_queue_build", queued.append)
    monkeypatch.setattr(releases, "programme_pdf_queue", lambda event_id: None)
    other = ProgrammeItemFactory(title="Ohne Release")
    with django_capture_on_commit_callbacks(execute=True):
        releases.schedule_release(event=world.event, actor=staff)

    with django_capture_on_commit_callbacks(execute=True):
        world.talk.title = "Umbenannt"
        world.talk.save()
        other.title = "Auch umbenannt"
        other.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.oker.name = "Raum Oker (Altbau)"  # room names show live: rebuild
        world.oker.save()

    assert queued == [other.event_id, world.event.pk]


# --- Admin --------------------------------------------------------------------------------------


def test_the_release_page_shows_pending_changes_and_releases(client, world, staff):
    releases.schedule_release(event=world.event, actor=staff)
    move(world.talk, 4, world.harz)
    client.force_login(staff)
    page_url = reverse("admin:events_event_schedule_release", args=[world.event.pk])

    page = client.get(page_url)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Indium aus Zinkrückständen" in text and "Raum Harz" in text
    assert tr("de", "Release version %(version)s") % {"version": 2} in text
    change_page = client.get(reverse("admin:events_event_change", args=[world.event.pk]))
    assert page_url in change_page.content.decode()

    data = {"comment": "Verlegt", "expected_version": "2"}
    assert client.post(page_url, data).status_code == 302
    again = client.post(page_url, data)  # a second click
    assert again.status_code == 400
    assert "Version 2" in again.content.decode()
    assert again.context["pending"] == []  # the page shows the state after the release
    assert again.context["form"]["expected_version"].value() == "3"
    assert list(ScheduleRelease.objects.values_list("version", "comment")) == [
        (2, "Verlegt"),
        (1, ""),
    ]


def test_the_release_page_keeps_a_too_long_note(client, world, staff):
    client.force_login(staff)
    page_url = reverse("admin:events_event_schedule_release", args=[world.event.pk])

    response = client.post(page_url, {"comment": "x" * 2001 + "Ende", "expected_version": "1"})

    assert response.status_code == 400
    assert "Ende" in response.content.decode()
    assert not ScheduleRelease.objects.exists()


def test_the_release_page_is_for_organisers_only(client, world):
    page_url = reverse("admin:events_event_schedule_release", args=[world.event.pk])
    client.force_login(UserFactory(is_staff=True))
    assert client.get(page_url).status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(page_url).status_code == 302  # to the admin's login
    assert not ScheduleRelease.objects.exists()


def test_releases_are_read_only_in_the_admin(client, world, staff):
    release = releases.schedule_release(event=world.event, actor=staff)
    client.force_login(staff)

    listing = client.get(reverse("admin:events_schedulerelease_changelist"))

    assert listing.status_code == 200 and "Innovationsforum 2099" in listing.content.decode()
    assert client.get(reverse("admin:events_schedulerelease_add")).status_code == 403
    detail = client.get(reverse("admin:events_schedulerelease_change", args=[release.pk]))
    assert detail.status_code == 200


# --- Queries (P1) -------------------------------------------------------------------------------


def _released_world(count: int, staff):
    event = EventFactory(starts_at=START, ends_at=START + timedelta(days=1, hours=8))
    rooms = [RoomFactory(event=event) for _ in range(3)]
    speakers = [SpeakerFactory(event=event) for _ in range(3)]
    items = [
        ProgrammeItemFactory(
            event=event,
            starts_at=START + timedelta(minutes=20 * n),
            room=rooms[n % 3],
            speakers=speakers[: n % 3 + 1],
            capacity=10 if n % 4 == 0 else None,
        )
        for n in range(count)
    ]
    releases.schedule_release(event=event, actor=staff)
    for n, item in enumerate(items):
        move(item, 1 + n / 3, rooms[(n + 1) % 3])
    ProgrammeItemFactory(event=event)
    releases.schedule_release(event=event, actor=staff, comment="Alles verschoben")
    return event, items


@pytest.mark.parametrize("count", [1, 30])
def test_released_programme_queries_constant(client, staff, django_assert_num_queries, count):
    event, _items = _released_world(count, staff)
    member = MembershipFactory().user
    client.force_login(member)

    with django_assert_num_queries(9):  # -1: the session comes from the cache (issue 17)
        response = client.get(reverse("events:programme", args=[event.slug]))

    assert sum(len(day.cells) for day in response.context["days"]) == count + 1


@pytest.mark.parametrize("count", [1, 30])
def test_changelog_queries_constant(client, staff, django_assert_num_queries, count):
    event, _items = _released_world(count, staff)

    with django_assert_num_queries(2):
        response = client.get(reverse("events:changelog", args=[event.slug]))

    assert response.content.decode().count("pg-badge-moved") == count


@pytest.mark.parametrize("count", [1, 30])
def test_released_item_page_queries_constant(client, staff, django_assert_num_queries, count):
    event, items = _released_world(count, staff)

    with django_assert_num_queries(6):
        response = client.get(reverse("events:item", args=[event.slug, items[0].pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_release_page_queries_constant(client, staff, django_assert_num_queries, count):
    event, items = _released_world(count, staff)
    for n, item in enumerate(items):
        move(item, 2 + n / 3)
    client.force_login(staff)

    with django_assert_num_queries(10):  # -1: the session comes from the cache (issue 17)
        response = client.get(reverse("admin:events_event_schedule_release", args=[event.pk]))

    assert len(response.context["pending"]) == count


def test_the_sitemap_lists_only_released_items(client, world, staff):
    releases.schedule_release(event=world.event, actor=staff)
    added = ProgrammeItemFactory(event=world.event, title="Noch nicht veröffentlicht")
    other = ProgrammeItemFactory(title="Ohne Release")

    sitemap = client.get("/sitemap.xml").content.decode()

    assert url("de", "events:item", world.event.slug, world.talk.pk) in sitemap
    assert url("de", "events:item", world.event.slug, added.pk) not in sitemap
    assert url("de", "events:item", other.event.slug, other.pk) in sitemap


def test_an_event_with_releases_can_still_be_deleted_in_the_admin(client, world, staff):
    releases.schedule_release(event=world.event, actor=staff)
    client.force_login(staff)
    release = ScheduleRelease.objects.get()

    alone = client.get(reverse("admin:events_schedulerelease_delete", args=[release.pk]))
    response = client.post(
        reverse("admin:events_event_delete", args=[world.event.pk]), {"post": "yes"}
    )

    assert alone.status_code == 403
    assert response.status_code == 302
    assert not ScheduleRelease.objects.exists()

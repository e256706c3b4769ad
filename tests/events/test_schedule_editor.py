"""The schedule editor in the admin (issue 16): the move endpoint refuses what the admin form
refuses and says why, saves nothing then, answers bad input with 4xx, lets only organisers
in, and the editor page costs the same queries for 1 and 30 items."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from events import services
from events.models import BERLIN
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    organiser,
)

pytestmark = pytest.mark.django_db

DAY = datetime(2099, 5, 12, tzinfo=BERLIN)


def at(hour, minute=0, day=DAY):
    return day.replace(hour=hour, minute=minute)


@pytest.fixture
def plan(db):
    event = EventFactory(
        title="Forum Harz", slug="forum-harz", starts_at=at(9), ends_at=at(17), kind="forum"
    )
    aula, foyer = RoomFactory(event=event, name="Aula"), RoomFactory(event=event, name="Foyer")
    anna = SpeakerFactory(event=event, name="Anna Erz")
    ben = SpeakerFactory(event=event, name="Ben Schlacke")
    indium = ProgrammeItemFactory(
        event=event, title="Indium", starts_at=at(9), ends_at=at(9, 30), room=aula, speakers=[anna]
    )
    gallium = ProgrammeItemFactory(
        event=event,
        title="Gallium",
        starts_at=at(10),
        ends_at=at(10, 30),
        room=foyer,
        speakers=[ben, anna],
    )
    lunch = ProgrammeItemFactory(
        event=event, title="Mittagspause", kind="break", starts_at=at(12), ends_at=at(13)
    )
    return {
        "event": event,
        "aula": aula,
        "foyer": foyer,
        "anna": anna,
        "indium": indium,
        "gallium": gallium,
        "lunch": lunch,
    }


def editor_url(event):
    return reverse("admin:events_event_schedule_editor", args=[event.pk])


def move_url(event):
    return reverse("admin:events_event_schedule_move", args=[event.pk])


def move(client, event, item, *, day="2099-05-12", start, end, room="", json=True, **extra):
    data = {"item": item.pk if hasattr(item, "pk") else item, "day": day, "start": start}
    data.update({"end": end, "room": room.pk if hasattr(room, "pk") else room, **extra})
    headers = {"Accept": "application/json"} if json else {}
    return client.post(move_url(event), data, headers=headers)


def where(item):
    item.refresh_from_db()
    local = item.starts_at.astimezone(BERLIN), item.ends_at.astimezone(BERLIN)
    return f"{local[0]:%H:%M}-{local[1]:%H:%M}", item.room.name if item.room else None


# --- moves ------------------------------------------------------------------------------


def test_move_to_a_free_slot_and_room_is_saved(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(
        client, plan["event"], plan["indium"], start="14:05", end="14:50", room=plan["foyer"]
    )

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["item"] == {
        "id": plan["indium"].pk,
        "day": "2099-05-12",
        "start": "14:05",
        "end": "14:50",
        "room": plan["foyer"].pk,
    }
    assert "„Indium“" in body["message"] and "Foyer" in body["message"]
    assert where(plan["indium"]) == ("14:05-14:50", "Foyer")


def test_move_without_javascript_redirects_back_with_a_message(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(
        client,
        plan["event"],
        plan["lunch"],
        start="12:30",
        end="13:30",
        room=plan["aula"],
        json=False,
    )

    assert response.status_code == 302
    assert response["Location"] == editor_url(plan["event"]) + f"#se-item-{plan['lunch'].pk}"
    assert where(plan["lunch"]) == ("12:30-13:30", "Aula")
    page = client.get(response["Location"])
    assert "Gespeichert: „Mittagspause“" in page.content.decode()


def test_move_to_no_room_puts_the_item_into_the_side_list(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(client, plan["event"], plan["indium"], start="09:00", end="09:30", room="")

    assert response.status_code == 200 and response.json()["item"]["room"] is None
    assert where(plan["indium"]) == ("09:00-09:30", None)


def test_move_into_a_busy_room_is_refused_with_the_reason(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(
        client, plan["event"], plan["lunch"], start="09:15", end="09:45", room=plan["aula"]
    )

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "Aula ist zu dieser Zeit bereits durch „Indium“ belegt" in response.json()["error"]
    assert where(plan["lunch"]) == ("12:00-13:00", None)


def test_move_of_a_speaker_into_two_places_is_refused(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(
        client, plan["event"], plan["gallium"], start="09:00", end="09:30", room=plan["foyer"]
    )

    assert response.status_code == 400
    assert "Anna Erz spricht zur selben Zeit in „Indium“" in response.json()["error"]
    assert where(plan["gallium"]) == ("10:00-10:30", "Foyer")


def test_move_outside_the_event_is_refused(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(
        client, plan["event"], plan["indium"], start="16:30", end="17:30", room=plan["aula"]
    )

    assert response.status_code == 400
    assert "innerhalb der Veranstaltungszeit" in response.json()["error"]
    assert where(plan["indium"]) == ("09:00-09:30", "Aula")


def test_move_refusal_in_english(client, organiser_user, plan):
    client.force_login(organiser_user)
    url = "/en" + move_url(plan["event"])

    response = client.post(
        url,
        {
            "item": plan["lunch"].pk,
            "day": "2099-05-12",
            "start": "09:00",
            "end": "09:30",
            "room": plan["aula"].pk,
        },
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert "Aula is already used at this time by “Indium”" in response.json()["error"]


def test_refused_move_without_javascript_shows_the_form_again(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(
        client,
        plan["event"],
        plan["lunch"],
        start="09:10",
        end="09:40",
        room=plan["aula"],
        json=False,
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Aula ist zu dieser Zeit bereits durch „Indium“ belegt" in html
    assert 'value="09:10"' in html and 'value="09:40"' in html  # the typed times are kept
    assert where(plan["lunch"]) == ("12:00-13:00", None)


def test_time_off_the_grid_without_javascript_names_the_field(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = move(client, plan["event"], plan["lunch"], start="12:07", end="13:00", json=False)

    assert response.status_code == 400
    assert "Nicht verschoben. Beginn: Zeiten gehen in Schritten von 5 Minuten" in (
        response.content.decode()
    )
    assert where(plan["lunch"]) == ("12:00-13:00", None)


@pytest.mark.parametrize(
    "changes",
    [
        {"item": "abc"},
        {"item": "1e400"},
        {"item": "99999999999999999999"},
        {"item": ""},
        {"room": "abc"},
        {"room": "99999999999999999999"},
        {"start": "09:03"},
        {"start": "09:00:30"},
        {"start": "25:00"},
        {"end": "08:00"},
        {"day": "2099-05-13"},
        {"day": "gestern"},
        {"start": ""},
    ],
)
def test_move_with_bad_input_answers_400_and_changes_nothing(client, organiser_user, plan, changes):
    client.force_login(organiser_user)
    data = {"item": plan["indium"].pk, "day": "2099-05-12", "start": "14:00", "end": "14:30"}
    data["room"] = plan["foyer"].pk
    data.update(changes)

    response = client.post(move_url(plan["event"]), data, headers={"Accept": "application/json"})

    assert response.status_code == 400
    assert response.json()["error"].startswith("Nicht verschoben.")
    assert where(plan["indium"]) == ("09:00-09:30", "Aula")


def test_move_of_another_events_item_or_into_its_room_is_refused(client, organiser_user, plan):
    other = EventFactory(starts_at=at(9), ends_at=at(17))
    stranger = ProgrammeItemFactory(event=other, starts_at=at(9), ends_at=at(10))
    elsewhere = RoomFactory(event=other, name="Anderswo")
    client.force_login(organiser_user)

    foreign_item = move(
        client, plan["event"], stranger, start="11:00", end="11:30", room=plan["aula"]
    )
    foreign_room = move(
        client, plan["event"], plan["indium"], start="11:00", end="11:30", room=elsewhere
    )

    assert foreign_item.status_code == 400 and foreign_room.status_code == 400
    assert "gehört nicht zu dieser Veranstaltung" in foreign_item.json()["error"]
    assert where(stranger) == ("09:00-10:00", None)
    assert where(plan["indium"]) == ("09:00-09:30", "Aula")


def test_move_endpoint_get_leads_to_the_editor(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = client.get(move_url(plan["event"]))

    assert response.status_code == 302 and response["Location"] == editor_url(plan["event"])


def test_move_without_csrf_token_is_refused(organiser_user, plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser_user)

    response = move(client, plan["event"], plan["indium"], start="14:00", end="14:30")

    assert response.status_code == 403
    assert where(plan["indium"]) == ("09:00-09:30", "Aula")


# --- the service ------------------------------------------------------------------------


def test_service_refuses_people_who_are_not_organisers(plan):
    with pytest.raises(PermissionDenied):
        services.programme_item_move(
            item=plan["indium"], actor=UserFactory(), starts_at=at(14), ends_at=at(15), room=None
        )
    assert where(plan["indium"]) == ("09:00-09:30", "Aula")


def test_service_refusal_names_the_field_and_the_clash(plan):
    with pytest.raises(ValidationError) as refused:
        services.programme_item_move(
            item=plan["lunch"],
            actor=organiser(),
            starts_at=at(9),
            ends_at=at(10),
            room=plan["aula"],
        )
    assert list(refused.value.message_dict) == ["room"]


# --- who may open it --------------------------------------------------------------------


def _staff_with_change_permission():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_event", "view_event"])
    )
    return user


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("member", 302),
        ("staff", 403),
        ("staff_with_permission", 403),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_editor_and_move_only_for_organisers(client, plan, who, expected):
    users = {
        "member": lambda: UserFactory(),
        "staff": lambda: UserFactory(is_staff=True),
        "staff_with_permission": _staff_with_change_permission,
        "organiser": organiser,
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }
    if who != "anonymous":
        client.force_login(users[who]())

    page = client.get(editor_url(plan["event"]))
    moved = move(client, plan["event"], plan["lunch"], start="14:00", end="15:00", json=False)

    assert page.status_code == expected
    if expected == 302:
        assert "/admin/login/" in page["Location"]
    assert moved.status_code == (302 if expected == 200 else expected)
    assert where(plan["lunch"]) == (("14:00-15:00" if expected == 200 else "12:00-13:00"), None)


@pytest.mark.parametrize("pk", ["abc", "0", "999999", "99999999999999999999"])
def test_editor_of_no_event_is_404(client, organiser_user, pk):
    client.force_login(organiser_user)

    response = client.get(f"/admin/events/event/{pk}/schedule/")

    assert response.status_code == 404


# --- the page ---------------------------------------------------------------------------


def test_editor_shows_the_grid_the_side_list_and_the_forms(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = client.get(editor_url(plan["event"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zeitplan-Editor" in html
    assert html.count('class="se-head') == 2  # Aula and Foyer
    assert f'id="se-item-{plan["indium"].pk}"' in html
    side = html[html.index('class="se-side"') : html.index('class="se-days"')]
    assert "Mittagspause" in side and "Indium" not in side
    assert 'data-start="09:00" data-end="09:30"' in html
    assert "se-r2 se-s6 se-c2" in html  # Indium: first row, 30 minutes, first room
    assert html.count('class="se-move-form"') == 3
    assert "Neue Version veröffentlichen" in html  # the link to the release page
    assert 'src="/static/js/schedule-editor.js"' in html


def test_event_page_links_to_the_editor_and_the_item_list(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = client.get(reverse("admin:events_event_change", args=[plan["event"].pk]))

    html = response.content.decode()
    assert editor_url(plan["event"]) in html
    assert f"?event__id__exact={plan['event'].pk}" in html
    assert "3 Programmpunkte" in html
    assert "items-TOTAL_FORMS" not in html  # no more programme rows on the event page


@pytest.mark.parametrize("count", [1, 30])
def test_editor_queries_do_not_grow_with_items(
    client, organiser_user, django_assert_num_queries, count
):
    event = EventFactory(starts_at=at(8), ends_at=at(20, 0, DAY + timedelta(days=1)))
    rooms = [RoomFactory(event=event) for _ in range(3)]
    speaker = SpeakerFactory(event=event)
    for n in range(count):
        ProgrammeItemFactory(
            event=event,
            starts_at=at(8) + timedelta(minutes=40 * n),
            ends_at=at(8) + timedelta(minutes=40 * n + 30),
            room=rooms[n % 3] if n % 4 else None,
            speakers=[speaker],
        )
    client.force_login(organiser_user)

    with django_assert_num_queries(8):  # -1: the session comes from the cache (issue 17)
        response = client.get(editor_url(event))

    assert response.status_code == 200


# --- the programme item list and form ---------------------------------------------------


def _titles(response) -> set[str]:
    return {item.title for item in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Indium", "Gallium", "Mittagspause", "Anderswo"}),
        ({"q": "Anna Erz"}, {"Indium", "Gallium"}),
        ({"kind": "break"}, {"Mittagspause"}),
        ({"room": "none"}, {"Mittagspause", "Anderswo"}),
        ({"day": "2099-05-12"}, {"Indium", "Gallium", "Mittagspause"}),
        ({"day": "kein-tag"}, set()),
        ({"room": "abc"}, set()),
    ],
)
def test_item_list_filters_and_search(client, organiser_user, plan, query, expected):
    other = EventFactory(
        starts_at=at(9, 0, DAY + timedelta(days=3)), ends_at=at(17, 0, DAY + timedelta(days=3))
    )
    ProgrammeItemFactory(event=other, title="Anderswo")
    client.force_login(organiser_user)

    response = client.get(reverse("admin:events_programmeitem_changelist"), query)

    assert response.status_code == 200
    assert _titles(response) == expected


def test_item_list_of_one_event_filters_by_its_rooms_and_leads_to_the_editor(
    client, organiser_user, plan
):
    client.force_login(organiser_user)
    url = reverse("admin:events_programmeitem_changelist")

    response = client.get(url, {"event__id__exact": plan["event"].pk, "room": plan["aula"].pk})

    html = response.content.decode()
    assert _titles(response) == {"Indium"}
    assert editor_url(plan["event"]) in html
    assert f"/admin/events/programmeitem/add/?event={plan['event'].pk}" in html
    assert "12.05.2099" in html and "09:00\N{EN DASH}09:30" in html


@pytest.mark.parametrize("count", [1, 30])
def test_item_list_queries_do_not_grow_with_items(
    client, organiser_user, django_assert_num_queries, count
):
    event = EventFactory(starts_at=at(8), ends_at=at(20))
    room, speaker = RoomFactory(event=event), SpeakerFactory(event=event)
    for n in range(count):
        ProgrammeItemFactory(
            event=event,
            starts_at=at(8) + timedelta(minutes=20 * n),
            ends_at=at(8) + timedelta(minutes=20 * n + 15),
            room=room,
            speakers=[speaker],
        )
    client.force_login(organiser_user)

    with django_assert_num_queries(12):  # -1: the session comes from the cache (issue 17)
        response = client.get(
            reverse("admin:events_programmeitem_changelist"), {"event__id__exact": event.pk}
        )

    assert response.status_code == 200


def test_new_item_of_a_one_day_event_has_the_day_filled_in(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = client.get(reverse("admin:events_programmeitem_add"), {"event": plan["event"].pk})

    form = response.context["adminform"].form
    assert form.initial["event"] == str(plan["event"].pk)
    html = response.content.decode()
    assert 'name="starts_at_0" value="12.05.2099"' in html
    assert 'name="ends_at_0" value="12.05.2099"' in html
    time_input = re.search(r'<input[^>]*name="starts_at_1"[^>]*>', html).group(0)
    assert "value=" not in time_input  # no time yet
    assert 'aria-label="Beginn: Uhrzeit"' in time_input
    assert f"_popup=1&amp;event={plan['event'].pk}" in html  # "+" adds a speaker to this event


def test_new_item_of_a_two_day_event_leaves_the_day_open(client, organiser_user):
    event = EventFactory(starts_at=at(9), ends_at=at(17, 0, DAY + timedelta(days=1)))
    client.force_login(organiser_user)

    response = client.get(reverse("admin:events_programmeitem_add"), {"event": event.pk})

    assert 'name="starts_at_0" value=' not in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999", "1e400"])
@pytest.mark.parametrize("model", ["programmeitem", "speaker", "room"])
def test_add_form_with_a_bad_event_in_the_address_opens_empty(client, organiser_user, model, value):
    client.force_login(organiser_user)

    response = client.get(reverse(f"admin:events_{model}_add"), {"event": value})

    assert response.status_code == 200
    assert "event" not in response.context["adminform"].form.initial


def test_item_form_shows_times_without_seconds(client, organiser_user, plan):
    client.force_login(organiser_user)

    response = client.get(reverse("admin:events_programmeitem_change", args=[plan["indium"].pk]))

    html = response.content.decode()
    assert 'name="starts_at_1" value="09:00"' in html
    assert "09:00:00" not in html
    assert 'data-model-ref="speaker"' in html  # the speakers' autocomplete


def test_speaker_added_in_place_is_preset_to_the_event(client, organiser_user, plan):
    client.force_login(organiser_user)
    url = reverse("admin:events_speaker_add") + f"?_to_field=id&_popup=1&event={plan['event'].pk}"

    page = client.get(url)
    saved = client.post(
        url,
        {"event": plan["event"].pk, "name": "Clara Neu", "organisation_name": "TU", "_popup": "1"},
    )

    assert page.context["adminform"].form.initial["event"] == str(plan["event"].pk)
    assert saved.status_code == 200 and "popup_response" in saved.content.decode()
    assert plan["event"].speakers.filter(name="Clara Neu").exists()


# --- the race ---------------------------------------------------------------------------

WORKERS = 6


def _move_all_at_once(items, room, actor):
    """Every item into ``room`` at 14:00 from its own thread and connection, all at once."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(items))
    moved, refused = [], []

    def work(item):
        try:
            barrier.wait(timeout=30)
            services.programme_item_move(
                item=item, actor=actor, starts_at=at(14), ends_at=at(14, 30), room=room
            )
            moved.append(item.pk)
        except ValidationError:
            refused.append(item.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return moved, refused


def _race_world():
    event = EventFactory(starts_at=at(9), ends_at=at(17))
    room = RoomFactory(event=event, name="Aula")
    items = [
        ProgrammeItemFactory(event=event, starts_at=at(9 + n), ends_at=at(9 + n, 30))
        for n in range(WORKERS)
    ]
    return room, items, organiser()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_into_one_slot_place_only_one():
    room, items, actor = _race_world()

    moved, refused = _move_all_at_once(items, room, actor)

    assert len(moved) == 1 and len(refused) == WORKERS - 1
    assert room.items.count() == 1


@pytest.mark.django_db(transaction=True)
def test_canary_without_the_lock_the_room_is_booked_twice(monkeypatch):
    """The same moves with the locks off, each pausing after its clash check: several land
    in the same room at the same time. With the lock (above) only one does."""
    import contextlib
    import threading

    from events import validation
    from forum import locking

    room, items, actor = _race_world()
    original = validation.item_clashes
    barrier = threading.Barrier(WORKERS)

    def check_then_wait(item):
        found = original(item)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return found

    monkeypatch.setattr(validation, "item_clashes", check_then_wait)
    with locking.disabled():
        moved, _refused = _move_all_at_once(items, room, actor)

    assert len(moved) > 1
    assert room.items.count() > 1

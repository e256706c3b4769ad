"""The schedule in the frab format (issue 16, item 7).

The XML is checked against what c3voc's ``validator/xsd/schedule.xml.xsd`` (voc/schedule)
requires, written down here in our own words: ``schedule`` holds an optional ``generator``,
a ``version``, a ``conference`` and at least one ``day``; the conference has exactly the
children ``title`` and ``acronym`` (required) and ``start``, ``end`` (dates), ``days``
(integer), ``timeslot_duration`` (H:MM), ``base_url`` (http(s)), ``time_zone_name``
(optional), nothing else; a day has the attributes ``date``, ``start``, ``end`` (date-times
with offset) and a unique positive ``index``, and holds ``room`` elements (attribute
``name``) that hold ``event`` elements; an event has a positive ``id`` and a UUID ``guid``
(both unique), the required children ``room``, ``title``, ``subtitle``, ``type``, ``date``
(with offset), ``start`` (HH:MM), ``duration`` (H:MM), ``abstract``, ``slug`` (unique) and
``track``, optionally ``logo``, ``persons`` (``person`` with a positive ``id``),
``language``, ``description``, ``recording`` (``license`` and a boolean ``optout``),
``links``, ``attachments``, ``video_download_url`` and ``url``, each at most once and
nothing else."""

import json
import re
from datetime import date, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from events.models import BERLIN
from tests.factories import EventFactory, ProgrammeItemFactory, RoomFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

START = datetime(2031, 6, 10, 9, 0, tzinfo=BERLIN)

DATE_TIME_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{1,2}:\d{2})$")
DURATION = re.compile(r"^([0-9]{1,2}:[0-9]{2})$|^([0-9]{1,2}:[0-9]{2}:[0-9]{1,2})$")
START_TIME = re.compile(r"^([0-2][0-9]:[0-5][0-9])$|^([0-2][0-9]:[0-5][0-9]:[0-5][0-9])$")
UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
HTTP = re.compile(r"^https?://.*")

CONFERENCE_REQUIRED = {"title", "acronym"}
CONFERENCE_OPTIONAL = {"start", "end", "days", "timeslot_duration", "base_url", "time_zone_name"}
EVENT_REQUIRED = {
    "room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug", "track"
}  # fmt: skip
EVENT_OPTIONAL = {
    "logo", "persons", "language", "description", "recording", "links", "attachments",
    "video_download_url", "url",
}  # fmt: skip


def _positive(value) -> bool:
    return value is not None and value.isdigit() and int(value) > 0


def _check_children(element, required, optional):
    tags = [child.tag for child in element]
    assert len(tags) == len(set(tags)), f"{element.tag}: repeated children {tags}"
    assert required <= set(tags), f"{element.tag}: missing {required - set(tags)}"
    assert set(tags) <= required | optional, (
        f"{element.tag}: unknown {set(tags) - required - optional}"
    )


def check_schedule_xml(content: bytes) -> ElementTree.Element:
    """Asserts the structure the c3voc schema requires; returns the root."""
    root = ElementTree.fromstring(content)
    assert root.tag == "schedule"
    tags = [child.tag for child in root]
    if tags[0] == "generator":
        tags = tags[1:]
    assert tags[:2] == ["version", "conference"] and tags[2:] and set(tags[2:]) == {"day"}
    conference = root.find("conference")
    _check_children(conference, CONFERENCE_REQUIRED, CONFERENCE_OPTIONAL)
    for key in ("start", "end"):
        if conference.find(key) is not None:
            date.fromisoformat(conference.findtext(key))
    if conference.find("days") is not None:
        int(conference.findtext("days"))
    if conference.find("timeslot_duration") is not None:
        assert DURATION.match(conference.findtext("timeslot_duration"))
    if conference.find("base_url") is not None:
        assert HTTP.match(conference.findtext("base_url"))
    ids, guids, slugs, indexes = [], [], [], []
    for day in root.findall("day"):
        assert set(day.attrib) <= {"date", "start", "end", "index"}
        date.fromisoformat(day.get("date"))
        assert DATE_TIME_TZ.match(day.get("start")) and DATE_TIME_TZ.match(day.get("end"))
        assert _positive(day.get("index"))
        indexes.append(day.get("index"))
        assert {child.tag for child in day} <= {"room"}
        for room in day:
            assert set(room.attrib) <= {"name"}
            assert {child.tag for child in room} <= {"event"}
            for event in room:
                assert set(event.attrib) <= {"id", "guid"}
                assert _positive(event.get("id")) and UUID.match(event.get("guid") or "")
                ids.append(event.get("id"))
                guids.append(event.get("guid"))
                slugs.append(event.findtext("slug"))
                _check_children(event, EVENT_REQUIRED, EVENT_OPTIONAL)
                assert DATE_TIME_TZ.match(event.findtext("date"))
                assert START_TIME.match(event.findtext("start"))
                assert DURATION.match(event.findtext("duration"))
                for key in ("url", "video_download_url"):
                    if event.find(key) is not None:
                        assert HTTP.match(event.findtext(key))
                persons = event.find("persons")
                if persons is not None:
                    for person in persons:
                        assert person.tag == "person" and not list(person)
                        assert set(person.attrib) <= {"id"}
                        assert person.get("id") is None or _positive(person.get("id"))
                recording = event.find("recording")
                if recording is not None:
                    _check_children(recording, {"license", "optout"}, set())
                    assert recording.findtext("optout") in {"true", "false", "1", "0"}
                for key, child in (("links", "link"), ("attachments", "attachment")):
                    if event.find(key) is not None:
                        assert {c.tag for c in event.find(key)} <= {child}
    for values in (ids, guids, slugs, indexes):
        assert len(values) == len(set(values)), values
    return root


@pytest.fixture
def schedule_event(host):
    event = EventFactory(
        two_days=True,
        host=host,
        slug="forum-2031",
        title="5. Innovationsforum",
        starts_at=START,
        ends_at=START + timedelta(days=1, hours=8),
    )
    hall = RoomFactory(event=event, name="Aula")
    lab = RoomFactory(event=event, name="Labor")
    erika = SpeakerFactory(event=event, name="Erika Muster")
    max_ = SpeakerFactory(event=event, name="Max <Mustermann> & Co")
    ProgrammeItemFactory(
        event=event, room=hall, speakers=[erika, max_], title="Indium & Zink", track="Metalle"
    )
    ProgrammeItemFactory(
        event=event,
        room=lab,
        starts_at=START + timedelta(minutes=30),
        ends_at=START + timedelta(minutes=120),
        kind="workshop_session",
        title="Indium & Zink",
    )
    ProgrammeItemFactory(
        event=event,
        starts_at=START + timedelta(days=1, hours=2),
        ends_at=START + timedelta(days=1, hours=2, minutes=15),
        kind="break",
        title="Kaffee",
    )
    return event


def test_schedule_xml_has_what_the_c3voc_schema_requires(client, schedule_event):
    response = client.get(reverse("events:schedule_xml", args=[schedule_event.slug]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = check_schedule_xml(response.content)
    assert root.findtext("conference/acronym") == "forum-2031"
    assert root.findtext("conference/start") == "2031-06-10"
    assert root.findtext("conference/days") == "2"
    assert root.findtext("conference/time_zone_name") == "Europe/Berlin"
    first, second = root.findall("day")
    assert (first.get("index"), first.get("date")) == ("1", "2031-06-10")
    assert first.get("start") == "2031-06-10T09:00:00+02:00"
    assert [room.get("name") for room in first] == ["Aula", "Labor"]
    talk = first.find("room/event")
    assert talk.findtext("start") == "09:00" and talk.findtext("duration") == "00:30"
    assert talk.findtext("title") == "Indium & Zink" and talk.findtext("track") == "Metalle"
    assert [p.text for p in talk.findall("persons/person")] == [
        "Erika Muster",
        "Max <Mustermann> & Co",
    ]
    assert talk.findtext("url").endswith(f"/events/forum-2031/programme/{talk.get('id')}/")
    # An item without a room is listed under the venue.
    assert second.find("room").get("name") == schedule_event.venue_name


def test_schedule_guids_stay_the_same_between_exports(client, schedule_event):
    url = reverse("events:schedule_xml", args=[schedule_event.slug])

    first = [e.get("guid") for e in ElementTree.fromstring(client.get(url).content).iter("event")]
    again = [e.get("guid") for e in ElementTree.fromstring(client.get(url).content).iter("event")]

    assert first == again and len(set(first)) == 3


def test_schedule_xml_of_event_without_items_still_valid(client, forum):
    response = client.get(reverse("events:schedule_xml", args=[forum.slug]))

    root = check_schedule_xml(response.content)
    assert len(root.findall("day")) == 2


def test_schedule_json_mirrors_pretalx(client, schedule_event):
    response = client.get(reverse("events:schedule_json", args=[schedule_event.slug]))

    data = json.loads(response.content)["schedule"]
    assert {"version", "base_url", "conference"} <= set(data)
    conference = data["conference"]
    for key in ("acronym", "title", "start", "end", "days", "timeslot_duration", "time_zone_name"):
        assert key in conference
    first = conference["days"][0]
    assert {"index", "date", "day_start", "day_end", "rooms"} <= set(first)
    assert list(first["rooms"]) == ["Aula", "Labor"]
    talk = first["rooms"]["Aula"][0]
    for key in (
        "guid", "id", "date", "start", "duration", "room", "slug", "url", "title", "subtitle",
        "track", "type", "language", "abstract", "description", "logo", "persons", "links",
        "attachments",
    ):  # fmt: skip
        assert key in talk, key
    assert UUID.match(talk["guid"]) and talk["start"] == "09:00"
    assert [person["name"] for person in talk["persons"]] == [
        "Erika Muster",
        "Max <Mustermann> & Co",
    ]


def test_draft_schedule_is_hidden(client, host):
    draft = EventFactory(draft=True, host=host)

    for name in ("events:schedule_xml", "events:schedule_json"):
        assert client.get(reverse(name, args=[draft.slug])).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_schedule_queries_constant(client, forum, django_assert_num_queries, count):
    rooms = [RoomFactory(event=forum) for _ in range(4)]
    speaker = SpeakerFactory(event=forum)
    for n in range(count):
        ProgrammeItemFactory(
            event=forum,
            room=rooms[n % 4],
            speakers=[speaker],
            starts_at=forum.starts_at + timedelta(minutes=10 * n),
        )

    with django_assert_num_queries(3):
        xml = client.get(reverse("events:schedule_xml", args=[forum.slug]))
    with django_assert_num_queries(3):
        client.get(reverse("events:schedule_json", args=[forum.slug]))

    assert len(check_schedule_xml(xml.content).findall("day/room/event")) == count

"""The public programme as a timetable grid (issue 16): rooms as columns, 5-minute rows,
filters by track and kind, current and next items during the event, drafts hidden."""

from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from events import timetable
from events.models import BERLIN
from tests.factories import EventFactory, ProgrammeItemFactory, RoomFactory, SpeakerFactory
from tests.members.html import check_page

pytestmark = pytest.mark.django_db

START = datetime(2031, 6, 10, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def grid_event(host):
    return EventFactory(
        two_days=True,
        host=host,
        slug="forum-2031",
        title="Forum 2031",
        starts_at=START,
        ends_at=START + timedelta(days=1, hours=8),
    )


def _item(event, minutes, length=30, **kwargs):
    starts = event.starts_at + timedelta(minutes=minutes)
    return ProgrammeItemFactory(
        event=event, starts_at=starts, ends_at=starts + timedelta(minutes=length), **kwargs
    )


class _Cells(HTMLParser):
    """The grid's items: ``{item title: class list}``, and the room headers."""

    def __init__(self):
        super().__init__()
        self.cells, self.heads, self._open, self._texts = {}, [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article" and "pg-item" in classes:
            self._open = classes
            self._texts = []
        elif tag == "div" and "pg-head" in classes:
            self._open = "head"
            self._texts = []

    def handle_data(self, data):
        if self._open is not None:
            self._texts.append(data)

    def handle_endtag(self, tag):
        if self._open == "head" and tag == "div":
            self.heads.append("".join(self._texts).strip())
            self._open = None
        elif isinstance(self._open, list) and tag == "h3":
            self.cells["".join(self._texts).split("\n")[-1].strip()] = self._open
            self._open = None


def _cells(response):
    parser = _Cells()
    parser.feed(response.content.decode())
    return parser


def test_grid_places_items_by_room_and_time(client, grid_event):
    hall, lab = (
        RoomFactory(event=grid_event, name="A Aula"),
        RoomFactory(event=grid_event, name="B Labor"),
    )
    _item(grid_event, 0, 30, room=hall, title="Eröffnung")
    _item(grid_event, 45, 60, room=lab, title="Hydrometallurgie")
    _item(grid_event, 120, 15, title="Kaffeepause", kind="break")

    response = client.get(reverse("events:programme", args=[grid_event.slug]))

    assert response.status_code == 200
    check_page(response.content)
    parsed = _cells(response)
    assert parsed.heads == ["A Aula", "B Labor"]
    # Rows are 5 minutes from the day's first hour (09:00), after the header row.
    assert {"pg-r2", "pg-s6", "pg-c2"} <= set(parsed.cells["Eröffnung"])
    assert {"pg-r11", "pg-s12", "pg-c3"} <= set(parsed.cells["Hydrometallurgie"])
    # Nothing else runs during the break, so it spans every room.
    assert {"pg-r26", "pg-s3", "pg-call"} <= set(parsed.cells["Kaffeepause"])
    assert "pg-cols2" in response.content.decode()


def test_grid_gives_items_without_room_a_column_when_they_overlap(client, grid_event):
    hall = RoomFactory(event=grid_event, name="Aula")
    _item(grid_event, 0, 60, room=hall, title="Vortrag")
    _item(grid_event, 30, 60, title="Exkursion zur Hütte", kind="excursion")

    parsed = _cells(client.get(reverse("events:programme", args=[grid_event.slug])))

    assert parsed.heads == ["Aula", "Andere Orte"]
    assert "pg-c3" in parsed.cells["Exkursion zur Hütte"]


def test_grid_one_section_per_day_with_hour_labels(client, grid_event):
    _item(grid_event, 0, title="Tag eins")
    _item(grid_event, 24 * 60 + 60, title="Tag zwei")

    response = client.get(reverse("events:programme", args=[grid_event.slug]))

    days = response.context["days"]
    assert [day.date.isoformat() for day in days] == ["2031-06-10", "2031-06-11"]
    assert [hour.label for hour in days[1].hours] == ["10:00"]
    assert 'href="#day-2"' in response.content.decode()


def test_grid_clips_items_to_the_hours_it_covers():
    event = EventFactory.build(starts_at=START, ends_at=START + timedelta(hours=20))
    event.pk = 1
    early = ProgrammeItemFactory.build(
        event=event,
        pk=1,
        starts_at=START.replace(hour=5),
        ends_at=START.replace(hour=6, minute=30),
    )

    (day,) = timetable.build([early], [])

    # 05:00 is before the grid's first hour (06:00): the item starts on the first row.
    assert (day.cells[0].row, day.cells[0].span) == (2, 6)


def test_filters_by_track_and_kind(client, grid_event):
    _item(grid_event, 0, title="Batterien A", track="Batterien")
    _item(grid_event, 30, title="Metalle B", track="Metalle")
    _item(grid_event, 60, title="Batterien Workshop", track="Batterien", kind="workshop_session")
    url = reverse("events:programme", args=[grid_event.slug])

    by_track = _cells(client.get(url, {"track": "Batterien"}))
    by_both = _cells(client.get(url, {"track": "Batterien", "kind": "workshop_session"}))

    assert set(by_track.cells) == {"Batterien A", "Batterien Workshop"}
    assert set(by_both.cells) == {"Batterien Workshop"}


def test_unknown_filter_answers_400_with_the_whole_programme(client, grid_event):
    _item(grid_event, 0, title="Eins", track="Batterien")

    response = client.get(
        reverse("events:programme", args=[grid_event.slug]), {"kind": "<script>", "track": "x"}
    )

    assert response.status_code == 400
    assert "Diesen Filter gibt es nicht" in response.content.decode()
    assert set(_cells(response).cells) == {"Eins"}


def test_current_and_next_items_stand_out_during_the_event(client, grid_event, monkeypatch):
    _item(grid_event, 0, 60, title="Läuft")
    _item(grid_event, 60, 30, title="Danach A")
    _item(grid_event, 60, 30, title="Danach B")
    _item(grid_event, 120, 30, title="Später")
    monkeypatch.setattr(timezone, "now", lambda: START + timedelta(minutes=20))

    response = client.get(reverse("events:programme", args=[grid_event.slug]))

    cells = _cells(response).cells
    assert "is-now" in cells["Läuft"]
    assert "is-next" in cells["Danach A"] and "is-next" in cells["Danach B"]
    assert not {"is-now", "is-next"} & set(cells["Später"])
    assert [item.title for item in response.context["now_items"]] == ["Läuft"]
    assert "Jetzt" in response.content.decode()


def test_nothing_stands_out_before_the_event(client, grid_event, monkeypatch):
    _item(grid_event, 0, 60, title="Eröffnung")
    monkeypatch.setattr(timezone, "now", lambda: START - timedelta(days=3))

    response = client.get(reverse("events:programme", args=[grid_event.slug]))

    assert not {"is-now", "is-next"} & set(_cells(response).cells["Eröffnung"])
    assert not response.context["live"]


def test_programme_links_items_and_speakers(client, grid_event):
    speaker = SpeakerFactory(event=grid_event, name="Dr. Erika Muster")
    item = _item(grid_event, 0, speakers=[speaker], title="Indium")

    content = client.get(reverse("events:programme", args=[grid_event.slug])).content.decode()

    assert reverse("events:item", args=[grid_event.slug, item.pk]) in content
    assert reverse("events:speaker", args=[grid_event.slug, speaker.pk]) in content


def test_draft_programme_is_hidden_from_visitors(client, organiser_user, host):
    draft = EventFactory(draft=True, host=host)
    url = reverse("events:programme", args=[draft.slug])

    assert client.get(url).status_code == 404
    client.force_login(organiser_user)
    assert client.get(url).status_code == 200


def test_event_page_links_the_grid(client, grid_event):
    _item(grid_event, 0)

    content = client.get(grid_event.get_absolute_url()).content.decode()

    assert reverse("events:programme", args=[grid_event.slug]) in content


@pytest.mark.parametrize("count", [1, 30])
def test_programme_queries_constant(client, member, grid_event, django_assert_num_queries, count):
    rooms = [RoomFactory(event=grid_event) for _ in range(4)]
    speakers = [SpeakerFactory(event=grid_event) for _ in range(3)]
    for n in range(count):
        _item(
            grid_event,
            (n % 2) * 24 * 60 + (n // 8) * 30,
            room=rooms[n % 4] if n % 7 else None,
            speakers=speakers[: n % 3 + 1],
            track=f"Track {n % 3}",
            capacity=10 if n % 5 == 0 else None,
        )
    client.force_login(member)

    with django_assert_num_queries(6):  # -1: the session comes from the cache (issue 17)
        response = client.get(
            reverse("events:programme", args=[grid_event.slug]), {"track": "Track 0"}
        )

    assert response.status_code == 200
    assert sum(len(day.cells) for day in response.context["days"]) == len(
        [n for n in range(count) if n % 3 == 0]
    )


def test_unrelated_parameters_show_the_whole_programme(client, grid_event):
    _item(grid_event, 0, title="Eins", track="Batterien")
    _item(grid_event, 30, title="Zwei")

    response = client.get(reverse("events:programme", args=[grid_event.slug]), {"utm": "x"})

    assert response.status_code == 200
    assert set(_cells(response).cells) == {"Eins", "Zwei"}
    assert not response.context["filtered"]

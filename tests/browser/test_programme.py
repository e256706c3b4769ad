"""The programme grid, the speakers and a speaker's page in Chromium (issue 16): the forum's
two days with 4 rooms and 40 items stay readable at 1366 px (a grid, rooms side by side,
nothing overlapping or cut off) and at 390 px (a list by time); axe finds nothing in either
language; the JSON-LD block on the event and item pages causes no CSP report (the page
watch fails the test on any console error). Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    LANGUAGES,
    PHONE,
    axe_check_pages,
    make_event,
    make_organisation,
    open_page,
    url,
)

WIDE = {"width": 1366, "height": 900}
ROOMS = ["Kaisersaal", "Rittersaal", "Labor Erzbergbau", "Seminarraum 4"]


@pytest.fixture
def big_forum(live_site):
    """Two days, 4 rooms, 40 items: per day five rounds of four parallel talks (two of
    them long workshops), a plenary keynote and a break across all rooms."""
    from events.models import ProgrammeItem, Room, Speaker

    organisation = make_organisation()
    event = make_event(
        in_days=30,
        hours=33,
        kind="forum",
        title="Innovationsforum Recyclingregion Harz",
        slug="innovationsforum",
        summary="Zwei Tage Vorträge, Stände und Gespräche.",
        venue_name="Kaiserpfalz Goslar",
        venue_address="Kaiserbleek 6\n38640 Goslar",
    )
    rooms = [Room.objects.create(event=event, name=name) for name in ROOMS]
    speakers = [
        Speaker.objects.create(
            event=event,
            name=f"Dr. Sprecherin {n}",
            organisation=organisation if n % 2 else None,
            organisation_name="" if n % 2 else "TU Clausthal",
            bio="Forscht zur Rückgewinnung kritischer Metalle aus Schlacken und Stäuben.",
        )
        for n in range(12)
    ]
    count = 0
    for day in range(2):
        base = event.starts_at + timedelta(days=day)
        keynote = ProgrammeItem.objects.create(
            event=event,
            kind="keynote",
            title=f"Keynote Tag {day + 1}: Kreislaufwirtschaft im Harz",
            starts_at=base,
            ends_at=base + timedelta(minutes=45),
            room=rooms[0],
        )
        keynote.speakers.set(speakers[:1])
        ProgrammeItem.objects.create(
            event=event,
            kind="break",
            title="Mittagspause",
            starts_at=base + timedelta(hours=4),
            ends_at=base + timedelta(hours=5),
        )
        count += 2
        for slot in range(5):
            if slot == 3:
                continue  # the lunch break
            starts = base + timedelta(hours=1 + slot)
            for r, room in enumerate(rooms):
                long = r == 3 and slot == 4
                item = ProgrammeItem.objects.create(
                    event=event,
                    kind="workshop_session" if long else "talk",
                    title=f"Vortrag {count}: Indium, Germanium und Gallium aus Zinkrückständen",
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=90 if long else 45),
                    room=room,
                    track=["Batterien", "Metalle", "Kunststoffe"][r % 3],
                )
                item.speakers.set([speakers[count % 12], speakers[(count + 5) % 12]])
                count += 1
    # Two days of 4 x 4 talks, a keynote and a break each: add the rest as short talks.
    extra_starts = event.starts_at + timedelta(days=1, hours=7)
    while count < 40:
        ProgrammeItem.objects.create(
            event=event,
            title=f"Kurzvortrag {count}",
            starts_at=extra_starts,
            ends_at=extra_starts + timedelta(minutes=20),
            room=rooms[count % 4],
        )
        count += 1
    assert ProgrammeItem.objects.filter(event=event).count() == 40
    return event, speakers[1], ProgrammeItem.objects.filter(event=event, room=rooms[1]).first()


def _boxes(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('.pg-grid')].map(grid =>
            [...grid.querySelectorAll('.pg-item')].map(el => {
                const box = el.getBoundingClientRect();
                return {x: box.x, y: box.y, w: box.width, h: box.height,
                        clipped: el.scrollHeight > el.clientHeight + 1};
            }))"""
    )


def _overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["w"] - 1
        and b["x"] < a["x"] + a["w"] - 1
        and a["y"] < b["y"] + b["h"] - 1
        and b["y"] < a["y"] + a["h"] - 1
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_grid_readable_wide_and_list_on_phone(new_page, big_forum, language):
    event, _speaker, _item = big_forum
    path = url(language, "events:programme", slug=event.slug)
    ARTIFACTS.mkdir(exist_ok=True)

    wide = new_page(viewport=WIDE)
    open_page(wide, path)
    wide.screenshot(path=ARTIFACTS / f"programme-{language}-1366.png", full_page=True)
    days = _boxes(wide)
    assert [len(day) for day in days] == [18, 22]
    for boxes in days:
        assert not any(box["clipped"] for box in boxes)
        assert all(box["w"] >= 150 for box in boxes)
        for n, box in enumerate(boxes):
            assert not any(_overlap(box, other) for other in boxes[n + 1 :]), box
        # Four rooms side by side.
        assert len({round(box["x"]) for box in boxes}) >= 4
    heads = wide.locator(".pg-grid").first.locator(".pg-head")
    assert heads.all_inner_texts() == sorted(ROOMS)

    phone = new_page(viewport=PHONE)
    open_page(phone, path)
    phone.screenshot(path=ARTIFACTS / f"programme-{language}-390.png", full_page=True)
    for boxes in _boxes(phone):
        # One column, by time.
        assert len({round(box["x"]) for box in boxes}) == 1
        assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
        assert not any(box["clipped"] for box in boxes)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_pages_accessible(new_page, big_forum, language, viewport):
    event, speaker, item = big_forum
    page = new_page()

    axe_check_pages(
        page,
        [
            (url(language, "events:programme", slug=event.slug), 200),
            (url(language, "events:programme", slug=event.slug) + "?track=Metalle", 200),
            (url(language, "events:speakers", slug=event.slug), 200),
            (url(language, "events:speaker", slug=event.slug, pk=speaker.pk), 200),
            # JSON-LD on both: a CSP report would be a console error and fail the test.
            (url(language, "events:detail", slug=event.slug), 200),
            (url(language, "events:item", slug=event.slug, pk=item.pk), 200),
        ],
        language,
    )
    width = viewport["width"]
    open_page(page, url(language, "events:speakers", slug=event.slug))
    page.screenshot(path=ARTIFACTS / f"speakers-{language}-{width}.png", full_page=True)
    open_page(page, url(language, "events:speaker", slug=event.slug, pk=speaker.pk))
    page.screenshot(path=ARTIFACTS / f"speaker-{language}-{width}.png", full_page=True)
    open_page(page, url(language, "landing"))
    page.screenshot(path=ARTIFACTS / f"landing-forum-{language}-{width}.png", full_page=True)
    assert page.locator(".landing-forum h2").inner_text() == event.title

"""The schedule editor in Chromium (issue 16): an organiser moves an item with the keyboard
and another by dragging it (and its lower edge), a clash is refused with its reason in the
live region, in German and English; axe finds nothing on the editor and the item list, at
desktop and phone width. Screenshots go to test-artifacts/."""

from datetime import datetime
from pathlib import Path

import pytest

from events.models import BERLIN
from tests.browser.helpers import (
    PASSWORD,
    PHONE,
    allow_error_status,
    check,
    login,
    make_person,
    open_page,
    prefix,
    t,
)

DESKTOP_1366 = {"width": 1366, "height": 900}
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"
DAY = datetime(2099, 5, 12, tzinfo=BERLIN)


def at(hour, minute=0):
    return DAY.replace(hour=hour, minute=minute)


@pytest.fixture
def plan(live_site):
    from tests.factories import EventFactory, ProgrammeItemFactory, RoomFactory, SpeakerFactory

    olga = make_person("olga", organiser=True)
    event = EventFactory(
        title="Forum Kreislaufwirtschaft Harz",
        slug="forum-harz",
        kind="forum",
        starts_at=at(9),
        ends_at=at(17),
    )
    aula, foyer = RoomFactory(event=event, name="Aula"), RoomFactory(event=event, name="Foyer")
    anna = SpeakerFactory(event=event, name="Anna Erz")
    ben = SpeakerFactory(event=event, name="Ben Schlacke")
    items = {
        "indium": ProgrammeItemFactory(
            event=event, title="Indium", starts_at=at(9), ends_at=at(9, 30), room=aula
        ),
        "gallium": ProgrammeItemFactory(
            event=event, title="Gallium", starts_at=at(10), ends_at=at(10, 30), room=foyer
        ),
        "lunch": ProgrammeItemFactory(
            event=event, title="Mittagspause", kind="break", starts_at=at(12), ends_at=at(13)
        ),
    }
    items["indium"].speakers.set([anna])
    items["gallium"].speakers.set([ben, anna])
    return {"olga": olga, "event": event, **items}


def where(item):
    item.refresh_from_db()
    start, end = item.starts_at.astimezone(BERLIN), item.ends_at.astimezone(BERLIN)
    return f"{start:%H:%M}-{end:%H:%M}", item.room.name if item.room else None


def editor_path(language, event):
    return f"{prefix(language)}/admin/events/event/{event.pk}/schedule/"


def wait_for_status(page, text):
    page.locator("#se-status", has_text=text).wait_for(timeout=10_000)


def drag(page, source, x, y):
    """Presses the mouse on ``source`` (an element handle's point), moves in steps as a hand
    would, and lets go at (x, y)."""
    page.mouse.move(*source)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(
            source[0] + (x - source[0]) * step / 8, source[1] + (y - source[1]) * step / 8
        )
    page.mouse.up()


def slot_y(page, hour, minute):
    """The screen y of a time's row in the first day's grid (rows are 5 minutes)."""
    grid = page.locator(".se-grid").first
    first = int(grid.get_attribute("data-first"))
    top = grid.locator(".se-time").first.bounding_box()["y"]
    return top + (hour * 60 + minute - first) / 5 * 10 + 3


@pytest.mark.parametrize("language", ["de", "en"])
def test_organiser_moves_items_by_keyboard_and_drag(page, plan, language):
    page.set_viewport_size(DESKTOP_1366)
    login(page, plan["olga"].email, PASSWORD, language)
    open_page(page, editor_path(language, plan["event"]))
    check(page, language)
    assert page.locator(".se-head").all_inner_texts() == ["Aula", "Foyer"]
    assert "Mittagspause" in page.locator(".se-side").inner_text()

    # Keyboard: Indium 30 minutes later and into the Foyer, then Enter.
    indium = page.locator(f"#se-item-{plan['indium'].pk}")
    indium.focus()
    for _ in range(6):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert "09:30" in page.locator("#se-status").inner_text()  # said before it is saved
    page.keyboard.press("Enter")
    wait_for_status(page, t(language, "Saved: %(item)s", item="").strip())
    assert where(plan["indium"]) == ("09:30-10:00", "Foyer")

    # Drag: Gallium from the Foyer at 10:00 to the Aula at 11:00.
    gallium = page.locator(f"#se-item-{plan['gallium'].pk}")
    box = gallium.bounding_box()
    aula = page.locator(".se-head", has_text="Aula").bounding_box()
    drag(page, (box["x"] + 20, box["y"] + 3), aula["x"] + 40, slot_y(page, 11, 0))
    page.locator("#se-status", has_text="Gallium").wait_for()
    assert where(plan["gallium"]) == ("11:00-11:30", "Aula")

    # Drag its lower edge: it now ends at 11:45.
    handle = gallium.locator(".se-resize").bounding_box()
    drag(page, (handle["x"] + 30, handle["y"] + 3), handle["x"] + 30, slot_y(page, 11, 40))
    page.locator("#se-status", has_text="11:45").wait_for()
    assert where(plan["gallium"]) == ("11:00-11:45", "Aula")

    # A clash: Indium at 11:00 while its speaker Anna Erz is in Gallium; refused, with why.
    allow_error_status(page, 400)  # the refusal's answer; Chromium logs every 4xx
    indium.focus()
    for _ in range(18):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    reason = t(
        language,
        "%(speaker)s speaks at the same time in “%(other)s” (%(when)s).",
        speaker="Anna Erz",
        other="Gallium",
        when="",
    ).split(" (")[0]
    wait_for_status(page, reason)
    assert "se-error" in page.locator("#se-status").get_attribute("class")
    assert where(plan["indium"]) == ("09:30-10:00", "Foyer")
    assert indium.get_attribute("data-start") == "09:30"
    assert indium.evaluate("el => el === document.activeElement")
    check(page, language)

    # Escape puts a move back without saving.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert where(plan["indium"]) == ("09:30-10:00", "Foyer")

    # The lunch goes from the list "without a room" into the Aula by keyboard.
    lunch = page.locator(f"#se-item-{plan['lunch'].pk}")
    lunch.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.locator("#se-status", has_text="Aula").wait_for()
    assert where(plan["lunch"]) == ("12:00-13:00", "Aula")
    assert lunch.evaluate("el => el.parentElement.classList.contains('se-grid')")


def test_move_form_works_without_javascript(browser, live_site, plan):
    from tests.browser.helpers import PageWatch

    context = browser.new_context(
        java_script_enabled=False, locale="de-DE", base_url=live_site.url, viewport=DESKTOP_1366
    )
    page = context.new_page()
    watch = PageWatch(page, {"127.0.0.1", "localhost"})
    watch.attach(context)
    try:
        login(page, plan["olga"].email, PASSWORD, "de")
        open_page(page, editor_path("de", plan["event"]))
        row = page.locator(f"#se-form-{plan['lunch'].pk}")
        row.locator("summary").click()
        row.locator("select[name=room]").select_option(label="Aula")
        row.locator("input[name=start]").fill("09:10")
        row.locator("input[name=end]").fill("09:40")
        page.forum_watch.allow_console_error(r"status of 400\b")
        with page.expect_navigation() as navigation:
            row.locator("button[type=submit]").click()
        assert navigation.value.status == 400
        assert "Aula ist zu dieser Zeit bereits durch „Indium“ belegt" in page.content()
        row = page.locator(f"#se-form-{plan['lunch'].pk}")
        assert row.locator("input[name=start]").input_value() == "09:10"

        row.locator("input[name=start]").fill("13:00")
        row.locator("input[name=end]").fill("13:45")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        assert "Gespeichert: „Mittagspause“" in page.content()
        assert where(plan["lunch"]) == ("13:00-13:45", "Aula")
        assert not watch.problems(), watch.problems()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_editor_and_item_list_pass_axe(page, plan, language, viewport):
    width = "phone" if viewport is PHONE else "desktop"
    login(page, plan["olga"].email, PASSWORD, language)
    ARTIFACTS_DIR.mkdir(exist_ok=True)

    open_page(page, editor_path(language, plan["event"]))
    check(page, language)
    page.screenshot(path=ARTIFACTS_DIR / f"schedule-editor-{language}-{width}.png", full_page=True)

    list_path = (
        f"{prefix(language)}/admin/events/programmeitem/?event__id__exact={plan['event'].pk}"
    )
    open_page(page, list_path)
    check(page, language)
    assert page.locator("#result_list tbody tr").count() == 3
    page.screenshot(path=ARTIFACTS_DIR / f"programme-items-{language}-{width}.png", full_page=True)


def test_new_item_with_a_speaker_added_in_place(page, plan):
    """The day of a one-day event is filled in, times have no seconds, and "+" next to the
    speakers adds one to this event in a small window and selects them."""
    page.set_viewport_size(DESKTOP_1366)
    login(page, plan["olga"].email, PASSWORD, "de")
    open_page(page, f"/admin/events/programmeitem/add/?event={plan['event'].pk}")
    assert page.locator("#id_starts_at_0").input_value() == "12.05.2099"
    assert page.locator("#id_starts_at_1").input_value() == ""
    # No axe here: this is Django's stock change form, whose date/time pair and select2
    # boxes lack labels on every admin form (reported; not this page's doing).

    with page.expect_popup() as opened:
        page.locator("#add_id_speakers").click()
    popup = opened.value
    popup.wait_for_load_state()
    assert "Forum Kreislaufwirtschaft Harz" in popup.locator("#id_event").inner_text()
    popup.locator("#id_name").fill("Clara Neu")
    popup.locator("#id_organisation_name").fill("TU Clausthal")
    with popup.expect_event("close"):
        popup.locator("input[name=_save]").click()
    assert "Clara Neu" in page.locator("#id_speakers option:checked").inner_text()

    page.locator("#id_title").fill("Kobalt aus Schwarzmasse")
    page.locator("#id_starts_at_1").fill("14:00")
    page.locator("#id_ends_at_0").fill("12.05.2099")
    page.locator("#id_ends_at_1").fill("14:30")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    item = plan["event"].items.get(title="Kobalt aus Schwarzmasse")
    assert [speaker.name for speaker in item.speakers.all()] == ["Clara Neu"]
    assert where(item) == ("14:00-14:30", None)

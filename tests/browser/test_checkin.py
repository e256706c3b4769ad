"""The door's check-in in Chromium at phone size, as an organiser (issue 15): three people
checked in — by a tap, by typing a filter and tapping, and by a QR code fed to the camera
(Chromium's fake video capture plays a Y4M file made here from the registration's QR
code) — and one undone; a tap made offline is sent when the connection returns. A
registration is added by hand in the admin for a caller. The counts follow, axe finds nothing in either language, and
screenshots at 390 and 1366 px are kept in test-artifacts/ for a look."""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import segno
from PIL import Image

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS
from tests.browser.helpers import (
    PASSWORD,
    PHONE,
    PageWatch,
    check,
    login,
    make_attendee,
    make_event,
    make_person,
    open_page,
    prefix,
)

DESKTOP_1366 = {"width": 1366, "height": 900}
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"


def _y4m(text: str, path: Path, *, frames: int = 10) -> Path:
    """A short Y4M video (4:2:0) showing the QR code of ``text`` on white, for Chromium's
    ``--use-file-for-fake-video-capture`` (it loops the file)."""
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=8, border=4)
    code = Image.open(buffer).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def door(live_site):
    organiser = make_person("olga", organiser=True)
    event = make_event(in_days=1, hours=10, title="Forum Kreislaufwirtschaft", slug="forum-tuer")
    people = {
        name: make_attendee(event, name=name, email=f"{name.split()[0].lower()}@example.org")
        for name in ["Anton Arndt", "Berta Kupfer", "Carla Scan", "Dieter Dorn", "Emil Erz"]
    }
    return {"organiser": organiser, "event": event, "people": people}


@pytest.fixture
def camera_page(browser, live_site, door, tmp_path, request):
    """A phone-sized page in a Chromium whose camera shows Carla's QR code."""
    from events.qr import checkin_url

    video = _y4m(checkin_url(door["people"]["Carla Scan"]), tmp_path / "qr.y4m")
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = camera.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="de-DE", base_url=live_site.url
    )
    context.grant_permissions(["camera"], origin=live_site.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = PageWatch(page, LOCAL_HOSTS | {urlsplit(live_site.url).hostname})
    watch.attach(context)
    yield page
    problems = watch.problems()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else True:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS_DIR / "checkin-camera-failed.png", full_page=True)
    context.close()
    camera.close()
    assert problems == []


def _row(page, name):
    return page.locator(".checkin-row", has_text=name)


def _arrived(page):
    return page.locator('[data-count="arrived"]').inner_text()


def test_door_journey_on_a_phone(camera_page, door):
    page = camera_page
    people = door["people"]
    login(page, door["organiser"].email, PASSWORD)
    open_page(page, f"/events/{door['event'].slug}/check-in/")

    # Everyone expected is there at once.
    assert page.locator(".checkin-row").count() == 5
    assert _arrived(page) == "0"

    # 1. A tap.
    _row(page, "Anton Arndt").locator(".checkin-in").click()
    page.locator(".checkin-row.is-in", has_text="Anton Arndt").wait_for()
    assert _arrived(page) == "1"

    # 2. Typing a filter, then a tap.
    page.locator("#checkin-q").fill("kupf")
    assert page.locator(".checkin-row:visible").count() == 1
    _row(page, "Berta Kupfer").locator(".checkin-in").click()
    page.locator(".checkin-row.is-in", has_text="Berta Kupfer").wait_for()
    page.locator("#checkin-q").fill("")
    assert page.locator(".checkin-row:visible").count() == 5

    # 3. The camera sees Carla's QR code.
    page.locator('[data-scan="start"]').click()
    page.locator(".checkin-row.is-in", has_text="Carla Scan").wait_for(timeout=20_000)
    page.locator('[data-scan="stop"]').click()
    assert _arrived(page) == "3"

    # 4. One undone.
    _row(page, "Anton Arndt").locator(".checkin-undo").click()
    page.locator(".checkin-row:not(.is-in)", has_text="Anton Arndt").wait_for()
    assert _arrived(page) == "2"

    # 5. The connection drops: the tap waits on the device and is sent when it returns.
    page.forum_watch.allow_console_error(r"ERR_INTERNET_DISCONNECTED")
    page.context.set_offline(True)
    _row(page, "Dieter Dorn").locator(".checkin-in").click()
    page.locator(".checkin-row.is-queued", has_text="Dieter Dorn").wait_for()
    assert (
        page.evaluate("() => JSON.parse(localStorage.getItem('checkin-queue:forum-tuer')).length")
        == 1
    )
    page.context.set_offline(False)
    page.locator(".checkin-row.is-in:not(.is-queued)", has_text="Dieter Dorn").wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-count=arrived]').textContent === '3'"
    )
    assert page.evaluate("() => localStorage.getItem('checkin-queue:forum-tuer')") == "[]"

    for registration in people.values():
        registration.refresh_from_db()
    arrived = {name for name, r in people.items() if r.checked_in_at is not None}
    assert arrived == {"Berta Kupfer", "Carla Scan", "Dieter Dorn"}

    # The letter filter, client-side.
    page.locator('.checkin-letters [data-letter="D"]').click()
    assert page.locator(".checkin-row:visible").count() == 1
    page.locator('.checkin-letters [data-letter=""]').click()
    assert page.locator(".checkin-row:visible").count() == 5

    check(page, "de")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS_DIR / "checkin-phone.png", full_page=True)


@pytest.mark.parametrize("language", ["de", "en"])
def test_door_page_passes_axe(page, door, language):
    from events import services

    services.registration_check_in(registration=door["people"]["Emil Erz"], actor=door["organiser"])
    login(page, door["organiser"].email, PASSWORD, language)
    open_page(page, f"{prefix(language)}/events/{door['event'].slug}/check-in/")
    page.locator(".checkin-walk-in summary").click()
    check(page, language)
    page.set_viewport_size(DESKTOP_1366)
    check(page, language)
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS_DIR / f"checkin-desktop-{language}.png", full_page=True)


def test_registration_by_hand_for_a_caller(page, door):
    from events.models import Registration

    login(page, door["organiser"].email, PASSWORD)
    open_page(page, "/admin/events/registration/add/")
    page.locator("#id_event").select_option(str(door["event"].pk))
    page.locator("#id_name").fill("Frieda Anruf")
    page.locator("#id_email").fill("frieda@example.org")
    page.locator("#id_organisation_name").fill("Harzwasserwerke")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    assert page.locator(".messagelist .success").count() == 1
    registration = Registration.objects.get(email="frieda@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.event == door["event"]

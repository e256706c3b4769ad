"""The organisers' cockpit as the demo organiser (issue 15, "Done when"): on the demo data,
the admin's start page lists the demo's waiting work; a registration is added by hand for a
caller; at the door, on a phone-sized page, three people of the demo forum are checked in
(a tap, a typed filter and a tap, and the QR code of their mail fed to the camera through
Chromium's fake video capture) and one is undone. axe finds nothing on the pages."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS
from tests.browser.helpers import PHONE, PageWatch, check, login, open_page
from tests.browser.test_checkin import _y4m


@pytest.fixture
def demo(live_site):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    from events.demo import FORUM_SLUG
    from events.models import Event, Registration
    from members.demo import DEMO_PASSWORD, PERSONAS

    event = Event.objects.get(slug=FORUM_SLUG)
    expected = list(
        Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
        )
        .exclude(name="")
        .order_by("name")[:3]
    )
    assert len(expected) == 3, "the demo forum has confirmed attendees"
    return {
        "email": PERSONAS["organiser"],
        "password": DEMO_PASSWORD,
        "event": event,
        "tap": expected[0],
        "typed": expected[1],
        "scanned": expected[2],
    }


@pytest.fixture
def phone(browser, live_site, demo, tmp_path):
    """A phone-sized page in a Chromium whose camera shows the QR code of one attendee."""
    from events.qr import checkin_url

    video = _y4m(checkin_url(demo["scanned"]), tmp_path / "qr.y4m")
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
    context.close()
    camera.close()
    assert problems == []


def _row(page, registration):
    return page.locator(f'.checkin-row[data-id="{registration.pk}"]')


def test_demo_organiser_start_page_caller_and_door(phone, demo):
    from events.models import Registration
    from forum.cockpit.selectors import waiting

    page = phone
    login(page, demo["email"], demo["password"])

    # The start page lists what waits in the demo data, with the same counts.
    open_page(page, "/admin/")
    due = [item for item in waiting(timezone.now()) if item["count"]]
    assert due, "the demo data leaves work for the organisers"
    for item in due:
        row = page.locator(f"#cockpit-waiting tr.cockpit-{item['key']}")
        assert row.locator(".cockpit-count").inner_text() == str(item["count"])
        assert row.locator("a").inner_text() == str(item["label"])
    check(page, "de")

    # Someone phones in: a registration by hand.
    open_page(page, "/admin/events/registration/add/")
    page.locator("#id_event").select_option(str(demo["event"].pk))
    page.locator("#id_name").fill("Frieda Anruf")
    page.locator("#id_email").fill("frieda.anruf@example.org")
    page.locator("#id_organisation_name").fill("Harzwasserwerke")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    caller = Registration.objects.get(email="frieda.anruf@example.org")
    assert caller.event == demo["event"]
    assert caller.status in {Registration.Status.CONFIRMED, Registration.Status.WAITLISTED}

    # At the door, on the phone.
    open_page(page, f"/events/{demo['event'].slug}/check-in/")
    arrived = int(page.locator('[data-count="arrived"]').inner_text())

    _row(page, demo["tap"]).locator(".checkin-in").click()
    _row(page, demo["tap"]).and_(page.locator(".is-in")).wait_for()

    page.locator("#checkin-q").fill(demo["typed"].name)
    _row(page, demo["typed"]).locator(".checkin-in").click()
    _row(page, demo["typed"]).and_(page.locator(".is-in")).wait_for()
    page.locator("#checkin-q").fill("")

    page.locator('[data-scan="start"]').click()
    _row(page, demo["scanned"]).and_(page.locator(".is-in")).wait_for(timeout=20_000)
    page.locator('[data-scan="stop"]').click()
    page.wait_for_function(
        f"() => document.querySelector('[data-count=arrived]').textContent === '{arrived + 3}'"
    )

    _row(page, demo["tap"]).locator(".checkin-undo").click()
    _row(page, demo["tap"]).and_(page.locator(":not(.is-in)")).wait_for()
    check(page, "de")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "checkin-demo-phone.png")

    checked = {
        r.pk
        for r in Registration.objects.filter(
            pk__in=[demo[key].pk for key in ("tap", "typed", "scanned")],
            checked_in_at__isnull=False,
        )
    }
    assert checked == {demo["typed"].pk, demo["scanned"].pk}

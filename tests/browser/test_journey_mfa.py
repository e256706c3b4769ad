"""Two-factor authentication for staff in a real browser (issue 10, item 9): an organiser
without an authenticator app who opens the admin is sent to set one up, reads the secret
from the page, activates it with the code an app would show, logs out, and logs in again
with password and code (German) or a recovery code (English) to reach the admin. axe-core
on every 2FA page; the page watch fails the test on any CSP violation (the QR code is a
data: image)."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    check,
    follow,
    login,
    make_organiser,
    prefix,
    submit,
    t,
)


def totp_code(secret: str, now: float | None = None) -> str:
    """What an authenticator app shows now (RFC 6238: HMAC-SHA1, 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time() if now is None else now) // 30))


def _clock_one_step_on(monkeypatch):
    """allauth's TOTP check reads ``time.time()`` through its module's ``time``; that one
    name (not the time module itself) gets a clock 30 seconds ahead, as if the person
    logged in once the app shows the next code. Returns that clock."""
    from types import SimpleNamespace

    from allauth.mfa.totp.internal import auth

    def later() -> float:
        return time.time() + 30

    monkeypatch.setattr(auth, "time", SimpleNamespace(time=later))
    return later


def log_out(page, language):
    page.goto(f"{prefix(language)}/")
    button = page.locator("nav form[action$='/accounts/logout/'] button")
    follow(page, button)
    # Logged out: the navigation offers the login again.
    assert page.locator("nav a[href$='/accounts/login/']").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_sets_up_totp_before_admin_and_logs_in_with_it(
    new_page, settings, language, monkeypatch
):
    settings.FORUM_STAFF_REQUIRE_MFA = True
    organiser = make_organiser("ines.wolf@example.org", first_name="Ines", last_name="Wolf")
    page = new_page()

    login(page, organiser.email, PASSWORD, language)
    page.goto(f"{prefix(language)}/admin/")
    # allauth asks for the password once more before 2FA settings change; the message says
    # why the organiser is here.
    assert "/accounts/reauthenticate/" in page.url, page.url
    message = t(
        language,
        "The administration is only available with two-factor authentication. "
        "Please set up an authenticator app for your account first.",
    )
    assert message in page.locator("body").inner_text()
    check(page, language)
    form = page.locator("main form", has=page.locator("input[name=password]"))
    form.locator("input[name=password]").fill(PASSWORD)
    submit(page, form.locator("[type=submit]").first)

    assert page.url.endswith(f"{prefix(language)}/accounts/2fa/totp/activate/"), page.url
    check(page, language)
    qr = page.locator("main img[src^='data:image/svg+xml;base64,']")
    assert qr.get_attribute("alt") == t(language, "QR code for your authenticator app")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the CSP let it in
    secret = page.locator("#authenticator_secret").input_value()
    used_step = int(time.time()) // 30
    page.locator("main input[name=code]").fill(totp_code(secret))
    submit(page, page.get_by_role("button", name=t(language, "Activate")))

    assert page.url.endswith(f"{prefix(language)}/accounts/2fa/recovery-codes/"), page.url
    check(page, language)
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    follow(page, page.get_by_role("link", name=t(language, "Continue to the administration")))
    assert page.url.endswith(f"{prefix(language)}/admin/"), page.url
    log_out(page, language)

    fresh = new_page()
    login(fresh, organiser.email, PASSWORD, language)
    assert fresh.url.endswith(f"{prefix(language)}/accounts/2fa/authenticate/"), fresh.url
    check(fresh, language)
    if language == "de":
        # allauth refuses a code twice; an app shows the next one after at most 30 seconds.
        # Rather than wait for that, the clock allauth checks codes against (the live server
        # runs in this process) moves one step on, and the code is the one an app shows then.
        later = _clock_one_step_on(monkeypatch)
        assert int(later()) // 30 > used_step
        code = totp_code(secret, now=later())
    else:
        code = codes[0]
    fresh.locator("main input[name=code]").fill(code)
    follow(fresh, fresh.get_by_role("button", name=t(language, "Sign In")))
    fresh.goto(f"{prefix(language)}/admin/")
    assert fresh.url.endswith(f"{prefix(language)}/admin/"), fresh.url
    assert fresh.locator("#site-name, #header").count() >= 1

    fresh.goto(f"{prefix(language)}/accounts/2fa/")
    check(fresh, language)

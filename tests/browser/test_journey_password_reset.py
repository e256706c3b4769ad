"""Forgotten password (PRODUCT.md 3.1) in a real browser, in German and English: from the
login page to the reset mail, a new password, and a login with it. axe-core on every page."""

import pytest

from tests.browser.helpers import (
    LANGUAGES,
    VIEWPORTS,
    check,
    follow,
    links_in,
    login,
    make_user,
    submit,
    t,
    url,
    wait_for_mail,
)

NEW_PASSWORD = "Zinn-Halde-Goslar-77"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reset_from_mail_link(new_page, mailoutbox, live_server, language, viewport):
    make_user("clara.berg@example.org", first_name="Clara", last_name="Berg")
    page = new_page()

    page.goto(url(language, "account_login"))
    check(page, language)
    follow(page, page.locator(f"main a[href='{url(language, 'account_reset_password')}']"))
    check(page, language)
    form = page.locator("main form", has=page.locator("input[name=email]"))
    form.locator("input[name=email]").fill("clara.berg@example.org")
    submit(page, form.get_by_role("button", name=t(language, "Reset My Password")))
    assert page.url.endswith(url(language, "account_reset_password_done")), page.url
    check(page, language)

    mail = wait_for_mail(mailoutbox, 1)
    assert mail.to == ["clara.berg@example.org"]
    reset_links = [link for link in links_in(mail) if "/password/reset/key/" in link]
    assert reset_links, f"no reset link in the mail:\n{mail.body}"
    assert reset_links[0].startswith(live_server.url)
    assert (f"{live_server.url}/en/" in reset_links[0]) == (language == "en")

    page.goto(reset_links[0])  # allauth swaps the key for a session and redirects
    check(page, language)
    form = page.locator("main form", has=page.locator("input[name=password2]"))
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    submit(page, form.get_by_role("button", name=t(language, "Change Password")))
    check(page, language)

    fresh = new_page()
    login(fresh, "clara.berg@example.org", NEW_PASSWORD, language)
    check(fresh, language)

"""Guest confirmation and cancelling, in a real browser, in German and English (issue 11):

a guest registers → lands on the one "check your mailbox" page → opens the link from the
mail, which confirms nothing by itself → confirms with the button → sees the confirmed
registration. A member attendee cancels from "My registrations": the button leads to a page
that says the seat goes to the waiting list at once; "back" keeps the registration, the
"Cancel registration" button cancels, and the person waiting moves up. Every page visited
is checked with axe-core, at phone and desktop width.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    DESKTOP,
    LANGUAGES,
    PASSWORD,
    PHONE,
    check,
    links_in,
    login,
    make_attendee,
    make_organisation,
    make_user,
    make_workshop,
    open_page,
    path_of,
    prefer_language,
    submit,
    t,
    url,
    wait_for_mail,
)


@pytest.fixture
def workshop(live_site):
    return make_workshop(waiting_list=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_guest_confirms_by_the_button_on_the_link_page(new_page, workshop, language, viewport):
    from django.core import mail

    from events.models import Registration

    event = workshop
    guest_email = f"jana.gast.{language}@example.org"
    page = new_page()

    open_page(page, url(language, "events:register", slug=event.slug))
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill("Jana Gast")
    form.locator("input[name=email]").fill(guest_email)
    submit(page, form.get_by_role("button", name=t(language, "Register")))

    # One page for every address: the redirect after the POST.
    assert page.url.endswith(url(language, "events:register_sent", slug=event.slug))
    check(page, language)
    assert page.get_by_role("heading", name=t(language, "Please check your mailbox")).count() == 1
    assert guest_email in page.locator("main").inner_text()

    message = wait_for_mail(mail.outbox, 1)
    assert message.to == [guest_email]
    confirm = next(link for link in links_in(message) if link.endswith("/confirm/"))
    open_page(page, path_of(confirm))
    check(page, language)
    assert Registration.objects.get(email=guest_email).status == "pending"

    submit(page, page.get_by_role("button", name=t(language, "Confirm my registration")))
    check(page, language)
    registration = Registration.objects.get(email=guest_email)
    assert registration.status == "confirmed"
    assert page.url.endswith(url(language, "events:registration", token=registration.token))
    assert (
        t(language, "You are registered. We have sent you a confirmation by email.")
        in page.locator("main").inner_text()
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_attendee_cancels_through_the_confirmation_page(new_page, workshop, language, viewport):
    from django.utils import timezone

    from events.models import Registration

    event = workshop
    member = make_user("katrin.berger@example.org", first_name="Katrin", last_name="Berger")
    prefer_language([member], language)
    make_organisation(users=[member])
    seat = make_attendee(
        event, user=member, name="Katrin Berger", email=member.email, language=language
    )
    waiting = Registration.objects.create(
        event=event,
        name="Wolfgang Warte",
        email="wolfgang@example.org",
        status="waitlisted",
        waitlisted_at=timezone.now(),
    )
    page = new_page()
    login(page, member.email, PASSWORD, language)
    mine = url(language, "events:my_registrations")
    open_page(page, mine)
    check(page, language)

    # The button leads to the confirmation page; nothing is cancelled yet.
    cancel = page.locator("main").get_by_role("link", name=t(language, "Cancel registration"))
    cancel.click()
    page.wait_for_url(f"**/registrations/{seat.token}/cancel/?from=mine")
    check(page, language)
    text = page.locator("main").inner_text()
    assert (
        t(
            language,
            "Your seat goes to the next person on the waiting list at once; this cannot be "
            "undone. If you register again later, you get a seat only if one is free, "
            "otherwise a place at the end of the waiting list.",
        )
        in text
    )
    seat.refresh_from_db()
    assert seat.status == "confirmed"

    # "Back" keeps the registration.
    page.get_by_role("link", name=t(language, "Back, keep my registration")).click()
    page.wait_for_url(f"**{mine}")
    seat.refresh_from_db()
    assert seat.status == "confirmed"

    # The page's button cancels; the person waiting moves up at once.
    page.locator("main").get_by_role("link", name=t(language, "Cancel registration")).click()
    page.wait_for_url("**/cancel/?from=mine")
    submit(page, page.get_by_role("button", name=t(language, "Cancel registration")))
    check(page, language)
    assert page.url.endswith(mine)
    assert t(language, "Your registration is cancelled.") in page.locator("main").inner_text()
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == "cancelled"
    assert waiting.status == "confirmed"

"""An event registration in a real browser, in German and English (issue 5, item 12):

a guest registers for a full workshop → confirms the address by the emailed link and lands
on the waiting list → the confirmed attendee cancels from the link in their own email → the
guest is promoted automatically and gets the email with the calendar attachment, which
parses and holds the workshop. Every page visited is checked with axe-core.
"""

from __future__ import annotations

import icalendar
import pytest

from tests.browser.helpers import (
    LANGUAGES,
    check,
    links_in,
    make_attendee,
    make_workshop,
    open_page,
    path_of,
    submit,
    t,
    url,
    wait_for_mail,
)


def mails_of(outbox, kind: str, address: str) -> list:
    from forum.notifications.models import Notification

    ids = {
        str(pk)
        for pk in Notification.objects.filter(kind=kind, email=address).values_list("pk", flat=True)
    }
    return [m for m in outbox if m.extra_headers.get("X-Forum-Notification") in ids]


@pytest.fixture
def workshop(live_site):
    event = make_workshop()
    seated = make_attendee(
        event,
        name="Katrin Berger",
        email="katrin.berger@example.org",
        organisation_name="Stadtwerke Goslar",
    )
    return event, seated


@pytest.mark.parametrize("language", LANGUAGES)
def test_guest_waitlisted_confirms_and_is_promoted(new_page, workshop, language):
    from django.core import mail

    from events import notifications as event_notifications
    from events.models import Registration

    event, seated = workshop
    guest_email = f"jana.gast.{language}@example.org"

    # The guest finds the workshop full and joins the waiting list.
    page = new_page()
    open_page(page, url(language, "events:detail", slug=event.slug))
    check(page, language)
    page.get_by_role("link", name=t(language, "Join the waiting list")).click()
    page.wait_for_url(f"**{url(language, 'events:register', slug=event.slug)}")
    check(page, language)
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill("Jana Gast")
    form.locator("input[name=email]").fill(guest_email)
    form.locator("input[name=organisation_name]").fill("Harzer Zinkhütte GmbH")
    submit(page, form.get_by_role("button", name=t(language, "Join the waiting list")))
    check(page, language)

    # The emailed link confirms the address: the guest is on the waiting list.
    message = wait_for_mail(mail.outbox, 1)
    assert message.to == [guest_email]
    assert message.subject == t(
        language, "Please confirm your registration: %(title)s", title=event.title
    )
    confirm = next(link for link in links_in(message) if link.endswith("/confirm/"))
    open_page(page, path_of(confirm))
    check(page, language)
    # Opening the link confirms nothing (mail scanners open links); the button does.
    assert Registration.objects.get(email=guest_email).status == "pending"
    submit(page, page.get_by_role("button", name=t(language, "Confirm my registration")))
    check(page, language)
    registration = Registration.objects.get(email=guest_email)
    assert registration.status == "waitlisted" and registration.language == language
    waitlisted = wait_for_mail(mail.outbox, 2)
    assert waitlisted.subject == t(
        language, "You are on the waiting list: %(title)s", title=event.title
    )

    # The confirmed attendee cancels with the link from their own email.
    with mail_delivered():
        event_notifications.registration_confirmed(seated)
    own = mails_of(mail.outbox, "events.registration_confirmed", seated.email)[0]
    manage = next(link for link in links_in(own) if f"/registrations/{seated.token}/" in link)
    other = new_page()
    open_page(other, path_of(manage))
    check(other, "de")  # the attendee registered in German
    # Cancelling asks first, on its own page; its button cancels.
    other.get_by_role("link", name=t("de", "Cancel registration")).click()
    other.wait_for_url(f"**/registrations/{seated.token}/cancel/")
    check(other, "de")
    submit(other, other.get_by_role("button", name=t("de", "Cancel registration")))
    check(other, "de")
    seated.refresh_from_db()
    assert seated.status == "cancelled"

    # The guest moved up and got the email with the calendar.
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    promoted = mails_of(mail.outbox, "events.registration_promoted", guest_email)
    assert len(promoted) == 1
    message = promoted[0]
    assert message.subject == t(language, "A seat is free for you: %(title)s", title=event.title)
    (ics,) = [a for a in message.attachments if a[2] == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(ics[1])
    (component,) = calendar.walk("VEVENT")
    assert str(component["SUMMARY"]) == "Workshop Schwarzmasse"
    assert component["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert "TU Clausthal, Aula" in str(component["LOCATION"])
    # Its manage link opens the guest's own registration, now confirmed.
    manage = next(
        link for link in links_in(message) if f"/registrations/{registration.token}/" in link
    )
    open_page(page, path_of(manage))
    check(page, language)
    assert page.get_by_role("link", name=t(language, "Cancel registration")).count() == 1


class mail_delivered:
    """Records the notification in its own transaction, so it is dispatched (and, with
    eager Celery, delivered) on commit, as a service would."""

    def __enter__(self):
        from django.db import transaction

        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)

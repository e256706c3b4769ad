"""Notifications in a real browser, in German and English (PRODUCT.md 3.4):

an admin makes a colleague admin → the colleague sees the unread count in the header, finds
the notification in the list, opens it and has it marked read, and got the email in their
language → they switch the category to the daily digest on the profile page → the next
change arrives only in the digest, listed in the notification page meanwhile → "mark all as
read" empties the count. Every page is checked with axe-core.
"""

import pytest
from django.utils import translation

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    VIEWPORTS,
    check,
    follow,
    login,
    make_organisation,
    make_person,
    nav_link,
    prefer_language,
    submit,
    t,
    url,
    wait_for_mail,
)


@pytest.fixture
def team(live_site):
    anna = make_person("anna")
    ben = make_person("ben")
    organisation = make_organisation(users=[anna, ben])
    return organisation, anna, ben


def live_link(language, name) -> str:
    from django.conf import settings

    return settings.SITE_URL + url(language, name)


def badge(page) -> str:
    link = page.locator("#main-nav a[href$='/notifications/']")
    pill = link.locator(".badge")
    return pill.inner_text().split()[0] if pill.count() else ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_notifications_journey_role_change_list_digest(
    team, new_page, mailoutbox, language, viewport
):
    from forum.notifications.models import EmailState, Notification
    from forum.notifications.services import digest_send_all

    organisation, anna, ben = team
    prefer_language([ben], language)
    people_url = url(language, "members:organisation_members", slug=organisation.slug)
    subject_admin = t(language, "You are now an admin of %(organisation)s") % {
        "organisation": organisation.name
    }

    # --- Anna makes Ben an admin ---------------------------------------------------------
    anna_page = new_page()
    login(anna_page, anna.email, PASSWORD, language)
    anna_page.goto(people_url)
    make_admin = anna_page.get_by_role("button", name=f"{t(language, 'Make admin')} Ben Krause")
    submit(anna_page, make_admin)
    message = wait_for_mail(mailoutbox, 1)
    assert message.to == [ben.email]
    assert message.subject == subject_admin
    assert live_link(language, "members:home") in message.body

    # --- Ben sees it in the header and in the list ---------------------------------------
    ben_page = new_page()
    login(ben_page, ben.email, PASSWORD, language)
    assert badge(ben_page) == "1"
    follow(ben_page, nav_link(ben_page, url(language, "notifications:list")))
    check(ben_page, language)
    item = ben_page.locator(".notification-list li").first
    assert subject_admin in item.inner_text()
    follow(ben_page, item.get_by_role("link", name=subject_admin))
    assert ben_page.url.endswith(url(language, "members:home"))
    assert badge(ben_page) == ""
    assert Notification.objects.get(recipient=ben).read_at is not None

    # --- Ben chooses the daily digest for his organisation's news ------------------------
    ben_page.goto(url(language, "members:profile_edit"))
    check(ben_page, language)
    # Every non-transactional category has its own row; the organisation's news is Ben's.
    ben_page.locator("#id_notify-organisation_1").check()
    submit(ben_page, ben_page.get_by_role("button", name=t(language, "Save")))

    # Anna makes Ben a member again: no email now, but a new item in Ben's list.
    anna_page.goto(people_url)
    submit(
        anna_page,
        anna_page.get_by_role("button", name=f"{t(language, 'Make member')} Ben Krause"),
    )
    latest = Notification.objects.filter(recipient=ben).latest("created_at")
    assert latest.email_state == EmailState.DIGEST
    assert len(mailoutbox) == 1
    ben_page.goto(url(language, "notifications:list"))
    check(ben_page, language)
    assert badge(ben_page) == "1"

    # The daily digest brings it, in Ben's language.
    assert digest_send_all() == {"sent": 1}
    digest = mailoutbox[-1]
    assert digest.to == [ben.email]
    subject_member = t(
        language, "You are now a member of %(organisation)s without admin rights"
    ) % {"organisation": organisation.name}
    assert subject_member in digest.body
    # A plural entry: gettext() finds it by its singular only in later 3.11 releases, not in
    # Debian 12's 3.11.2; ngettext() does in all.
    with translation.override(language):
        subject = translation.ngettext(
            "Your daily summary: %(counter)s new notification",
            "Your daily summary: %(counter)s new notifications",
            1,
        )
    assert digest.subject == subject % {"counter": 1}

    # --- Mark all as read ----------------------------------------------------------------
    submit(ben_page, ben_page.get_by_role("button", name=t(language, "Mark all as read")))
    check(ben_page, language)
    assert badge(ben_page) == ""
    assert not Notification.objects.filter(recipient=ben, read_at__isnull=True).exists()

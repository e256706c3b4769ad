"""What each kind of notification email says, in German and in English.

Expected texts come from the catalogue (``gettext`` of the msgid in the recipient's
language), so these tests hold for the German translation as for the English source text.
Every kind is produced by the real service that causes it. In the HTML part, text from
``{% translate %}`` is escaped, the literal text of ``{% blocktranslate %}`` is not (only its
variables are), hence ``escape()`` on some expectations and not on others.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from forum.notifications import services
from forum.notifications.models import Notification
from forum.notifications.services import Recipient
from members import services as member_services
from tests.factories import MembershipFactory, OrganisationFactory, ProfileFactory, UserFactory
from tests.factories import organiser as make_organiser

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]
SIGNATURE = "Innovation Forum Recycling Region Harz"
PREFERENCES_LINE = "Choose which emails you get, and how often:"
PREFERENCES_LINK = "Choose which emails you get, and how often"


def tr(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


def link(language: str, path: str) -> str:
    """An absolute link to ``path`` (a German path) as a recipient in ``language`` gets it."""
    return settings.SITE_URL + ("/en" if language == "en" else "") + path


def person(language: str, **kwargs):
    user = UserFactory(**kwargs)
    ProfileFactory(user=user, preferred_language=language)
    return user


def sent_mail(kind: str):
    """The one email sent for the notification of ``kind``."""
    (notification,) = Notification.objects.filter(kind=kind)
    messages = [
        m for m in mail.outbox if m.extra_headers["X-Forum-Notification"] == str(notification.pk)
    ]
    assert len(messages) == 1
    return notification, messages[0]


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_frame(message, notification, language, *, switchable: bool):
    """Headers, the HTML alternative and the footer every notification email has."""
    assert message.extra_headers["X-Forum-Notification"] == str(notification.pk)
    assert message.extra_headers["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    html = html_of(message)
    assert f'<html lang="{language}">' in html
    assert tr(language, SIGNATURE) in message.body and tr(language, SIGNATURE) in html
    preferences = link(language, "/members/me/profile/#notifications")
    if switchable:
        assert f"{tr(language, PREFERENCES_LINE)} {preferences}" in message.body
        assert f'<a href="{preferences}"' in html
        assert escape(tr(language, PREFERENCES_LINK)) in html
    else:
        assert "/members/me/profile/" not in message.body + html
        assert tr(language, PREFERENCES_LINE) not in message.body


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Harzer Zinkhütte GmbH", slug="harzer-zinkhuette")


@pytest.fixture
def chief(org):
    """The admin who acts; German-speaking."""
    user = person("de", first_name="Katrin", last_name="Berger")
    MembershipFactory(organisation=org, user=user, role="admin")
    return user


# --- members.invitation (transactional) ---------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitation_email_in_invitation_language(
    org, chief, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = member_services.invitation_create(
            actor=chief, organisation=org, email="neu@example.org", language=language
        )

    notification, message = sent_mail("members.invitation")
    assert message.to == ["neu@example.org"]
    assert message.subject == tr(
        language, "Invitation to join %(name)s on the Innovation Forum Harz", name=org.name
    )
    sentence = tr(
        language,
        "%(inviter)s invites you to join %(name)s on the Innovation Forum Recycling Region Harz.",
        inviter="Katrin Berger",
        name=org.name,
    )
    url = link(language, f"/members/invitations/{invitation.token}/")
    assert sentence in message.body
    assert f"{tr(language, 'Open this link to accept the invitation:')}\n{url}" in message.body
    html = html_of(message)
    assert sentence in html
    assert f'<a href="{url}">{escape(tr(language, "Accept the invitation"))}</a>' in html
    assert_frame(message, notification, language, switchable=False)
    if language == "en":
        assert "/en/members/invitations/" in message.body
    else:
        assert "/en/" not in message.body


# --- members.member_joined ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_joined_email_in_admins_language(org, language, django_capture_on_commit_callbacks):
    admin = person(language, first_name="Jonas", last_name="Wendt")
    MembershipFactory(organisation=org, user=admin, role="admin")
    joiner = UserFactory(first_name="Nora", last_name="Kahl")
    invitation = member_services.invitation_create(
        actor=admin, organisation=org, email=joiner.email
    )

    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_accept(actor=joiner, invitation=invitation)

    notification, message = sent_mail("members.member_joined")
    assert message.to == [admin.email]
    assert message.subject == tr(
        language, "%(name)s joined %(organisation)s", name="Nora Kahl", organisation=org.name
    )
    assert message.body.startswith(tr(language, "Hello %(name)s,", name="Jonas Wendt"))
    sentence = tr(
        language,
        "%(name)s accepted the invitation and now belongs to %(organisation)s on the "
        "Innovation Forum Recycling Region Harz.",
        name="Nora Kahl",
        organisation=org.name,
    )
    url = link(language, "/members/harzer-zinkhuette/people/")
    assert sentence in message.body
    assert f"{tr(language, 'People and invitations of your organisation:')}\n{url}" in message.body
    html = html_of(message)
    assert sentence in html and f'<a href="{url}"' in html
    assert_frame(message, notification, language, switchable=True)


# --- members.role_changed -----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_role_changed_to_admin_email(org, chief, language, django_capture_on_commit_callbacks):
    target = person(language)
    membership = MembershipFactory(organisation=org, user=target)

    with django_capture_on_commit_callbacks(execute=True):
        member_services.membership_set_role(actor=chief, membership=membership, role="admin")

    notification, message = sent_mail("members.role_changed")
    assert message.to == [target.email]
    assert message.subject == tr(
        language, "You are now an admin of %(organisation)s", organisation=org.name
    )
    sentence = tr(
        language,
        "%(actor)s made you an admin of %(organisation)s. You can now edit the organisation's "
        "page, invite people and change their roles.",
        actor="Katrin Berger",
        organisation=org.name,
    )
    assert sentence in message.body
    assert f"{tr(language, 'Your account:')}\n{link(language, '/members/me/')}" in message.body
    assert sentence in html_of(message)
    assert_frame(message, notification, language, switchable=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_role_changed_to_member_email(org, chief, language, django_capture_on_commit_callbacks):
    target = person(language)
    membership = MembershipFactory(organisation=org, user=target, role="admin")

    with django_capture_on_commit_callbacks(execute=True):
        member_services.membership_set_role(actor=chief, membership=membership, role="member")

    notification, message = sent_mail("members.role_changed")
    assert message.subject == tr(
        language,
        "You are now a member of %(organisation)s without admin rights",
        organisation=org.name,
    )
    sentence = tr(
        language,
        "%(actor)s changed your role in %(organisation)s to member. You can no longer edit the "
        "organisation's page or invite people.",
        actor="Katrin Berger",
        organisation=org.name,
    )
    assert sentence in message.body
    assert sentence in html_of(message)
    assert_frame(message, notification, language, switchable=True)


def test_role_changed_by_oneself_sends_nothing(org, chief, django_capture_on_commit_callbacks):
    MembershipFactory(organisation=org, role="admin")

    with django_capture_on_commit_callbacks(execute=True):
        member_services.membership_set_role(
            actor=chief, membership=chief.memberships.get(), role="member"
        )

    assert not Notification.objects.exists() and mail.outbox == []


# --- members.membership_removed -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_membership_removed_email(org, chief, language, django_capture_on_commit_callbacks):
    target = person(language)
    membership = MembershipFactory(organisation=org, user=target)

    with django_capture_on_commit_callbacks(execute=True):
        member_services.membership_remove(actor=chief, membership=membership)

    notification, message = sent_mail("members.membership_removed")
    assert message.to == [target.email]
    assert message.subject == tr(
        language, "You no longer belong to %(organisation)s", organisation=org.name
    )
    sentence = tr(
        language,
        "%(actor)s removed you from %(organisation)s on the Innovation Forum Recycling Region "
        "Harz. Your account remains; you can create an organisation or join another one.",
        actor="Katrin Berger",
        organisation=org.name,
    )
    url = link(language, "/members/welcome/")
    assert sentence in message.body and f"\n{url}\n" in message.body
    html = html_of(message)
    assert sentence in html
    assert (
        f'<a href="{url}"' in html
        and escape(tr(language, "Create or join an organisation")) in html
    )
    assert_frame(message, notification, language, switchable=True)


# --- forum.mass_mail (transactional) ------------------------------------------------------

ORGANISERS_NOTE = (
    "This message comes from the organisers of the Innovation Forum Recycling Region Harz. "
    "Reply to this email if you have questions."
)


@pytest.fixture
def organiser(db):
    return make_organiser(email="orga@rewimet.example")


@pytest.mark.parametrize("language", LANGUAGES)
def test_mass_mail_with_english_version_in_recipients_language(
    organiser, language, django_capture_on_commit_callbacks
):
    reader = person(language, first_name="Nora", last_name="Kahl")

    with django_capture_on_commit_callbacks(execute=True):
        services.mass_mail_send(
            actor=organiser,
            recipients=[reader],
            subject_de="Raumänderung am Donnerstag",
            body_de="Wir treffen uns in Raum 2.\n\nBis bald!",
            subject_en="Room change on Thursday",
            body_en="We meet in room 2.\n\nSee you!",
        )

    notification, message = sent_mail("forum.mass_mail")
    if language == "en":
        assert message.subject == "Room change on Thursday"
        assert "We meet in room 2.\n\nSee you!" in message.body
        assert "<p>We meet in room 2.</p>" in html_of(message)
        assert "Raum 2" not in message.body
    else:
        assert message.subject == "Raumänderung am Donnerstag"
        assert "Wir treffen uns in Raum 2.\n\nBis bald!" in message.body
        assert "<p>Wir treffen uns in Raum 2.</p>" in html_of(message)
        assert "room 2" not in message.body
    assert message.body.startswith(tr(language, "Hello %(name)s,", name="Nora Kahl"))
    assert tr(language, ORGANISERS_NOTE) in message.body
    assert escape(tr(language, ORGANISERS_NOTE)) in html_of(message)
    assert message.reply_to == ["orga@rewimet.example"]
    assert_frame(message, notification, language, switchable=False)


def test_mass_mail_without_english_version_english_reader_gets_german_text_in_english_frame(
    organiser, django_capture_on_commit_callbacks
):
    reader = person("en", first_name="Nora", last_name="Kahl")
    guest = Recipient(email="guest@example.org", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.mass_mail_send(
            actor=organiser,
            recipients=[reader, guest],
            subject_de="Raumänderung",
            body_de="Wir treffen uns in Raum 2.",
        )

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.subject == "Raumänderung"
        assert "Wir treffen uns in Raum 2." in message.body
        assert tr("en", ORGANISERS_NOTE) in message.body
        assert '<html lang="en">' in html_of(message)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[reader.email].body.startswith(tr("en", "Hello %(name)s,", name="Nora Kahl"))
    assert by_address["guest@example.org"].body.startswith(tr("en", "Hello,"))


def test_mass_mail_body_is_escaped_in_html(organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mass_mail_send(
            actor=organiser,
            recipients=[UserFactory()],
            subject_de="Hinweis",
            body_de="<script>alert(1)</script> & mehr",
        )

    (message,) = mail.outbox
    assert "<script>alert(1)</script> & mehr" in message.body
    html = html_of(message)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; mehr" in html


def test_mass_mail_sender_deactivated_no_reply_to(organiser, django_capture_on_commit_callbacks):
    recipient = UserFactory()  # made first: saving a user has on-commit work of its own
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.mass_mail_send(
            actor=organiser, recipients=[recipient], subject_de="S", body_de="B"
        )
    organiser.is_active = False
    organiser.save()

    callbacks[0]()

    (message,) = mail.outbox
    assert message.reply_to == []

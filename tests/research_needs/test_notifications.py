"""What each research-need email says, to whom, in German and in English (issue 4, item 8).

Expected texts come from the catalogue (``gettext`` of the msgid in the recipient's
language), so these tests hold for the German translation as for the English source text;
the links show the language too (German without prefix, English under /en/). In the HTML
part, a ``{% blocktranslate %}``'s literal text is not escaped, only its variables are.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from forum.notifications.models import EmailState, Notification
from forum.notifications.services import preferences_update
from members.models import Membership
from research_needs import notifications
from tests.factories import (
    AnswerFactory,
    MembershipFactory,
    MessageFactory,
    NeedFactory,
    OrganisationFactory,
    ProfileFactory,
    UserFactory,
    organiser,
    topic,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]
TITLE = "Lithium aus Schwarzmasse zurückgewinnen"


def tr(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


def link(language: str, path: str) -> str:
    """An absolute link to ``path`` (a German path) as a recipient in ``language`` gets it."""
    return settings.SITE_URL + ("/en" if language == "en" else "") + path


def person(language: str, organisation=None, role=Membership.Role.MEMBER, **kwargs):
    user = UserFactory(**kwargs)
    ProfileFactory(user=user, preferred_language=language)
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def mails_of(kind: str) -> dict[str, object]:
    """The emails sent for notifications of ``kind``, by recipient address."""
    ids = {
        str(pk): address
        for pk, address in Notification.objects.filter(kind=kind).values_list(
            "pk", "recipient__email"
        )
    }
    sent = {}
    for message in mail.outbox:
        address = ids.get(message.extra_headers.get("X-Forum-Notification"))
        if address is not None:
            assert address not in sent, f"two {kind} emails to {address}"
            sent[address] = message
    return sent


def only_mail(kind: str, user):
    sent = mails_of(kind)
    assert list(sent) == [user.email], f"{kind} went to {list(sent)}"
    return sent[user.email]


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_language(message, language: str):
    html = html_of(message)
    assert f'<html lang="{language}">' in html
    signature = tr(language, "Innovation Forum Recycling Region Harz")
    assert signature in message.body and signature in html
    # A research-need email can be switched off or sent as digest: the footer says where.
    preferences = link(language, "/members/me/profile/#notifications")
    assert f"{tr(language, 'Choose which emails you get, and how often:')} {preferences}" in (
        message.body
    )


def assert_link(message, language: str, path: str, label: str, html_label: str):
    url = link(language, path)
    assert f"{tr(language, label)}\n{url}" in message.body
    assert f'<a href="{url}" style="color: #1d5c3a;">{escape(tr(language, html_label))}</a>' in (
        html_of(message)
    )
    if language == "de":
        assert "/en/" not in message.body


def run(function, *args, capture):
    """Calls a notification function as a service does: inside a transaction, mail after commit."""
    with capture(execute=True):
        function(*args)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def need(sme, owner):
    return NeedFactory(organisation=sme, created_by=owner, contact_person=owner, title=TITLE)


def need_path(need) -> str:
    return reverse("research_needs:detail", args=[need.pk])


def conversation_path(answer) -> str:
    return reverse("research_needs:conversation", args=[answer.conversation.pk])


def deadline_text(language: str, day) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


# --- to organisers ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_submitted_goes_to_organisers_with_the_moderation_link(sme, owner, language, capture):
    moderator = organiser()
    ProfileFactory(user=moderator, preferred_language=language)
    UserFactory(is_staff=True)  # staff outside the Organisers group moderates nothing
    need = NeedFactory(organisation=sme, created_by=owner, title=TITLE, submitted=True)

    run(notifications.need_submitted, need, capture=capture)

    message = only_mail("research_needs.need_submitted", moderator)
    assert message.subject == tr(language, "New research need to review: %(title)s", title=TITLE)
    sentence = tr(
        language,
        '%(organisation)s submitted the research need "%(title)s" for publication.',
        organisation=sme.name,
        title=TITLE,
    )
    assert sentence in message.body
    assert_link(
        message,
        language,
        reverse("research_needs:moderation"),
        "The moderation queue:",
        "Open the moderation queue",
    )
    assert_language(message, language)


def test_need_submitted_skips_inactive_organisers(sme, owner, capture):
    organiser(is_active=False)
    need = NeedFactory(organisation=sme, created_by=owner, submitted=True)

    run(notifications.need_submitted, need, capture=capture)

    assert mail.outbox == []


# --- to the need's owners ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_published_tells_author_and_contact_person(sme, language, capture):
    author = person(language, sme, role=Membership.Role.ADMIN)
    contact = person(language, sme)
    bystander = person(language, sme)  # a colleague who did not write it hears nothing
    need = NeedFactory(organisation=sme, created_by=author, contact_person=contact, title=TITLE)

    run(notifications.need_published, need, capture=capture)

    sent = mails_of("research_needs.need_published")
    assert set(sent) == {author.email, contact.email}
    assert bystander.email not in sent
    message = sent[author.email]
    assert message.subject == tr(
        language, "Your research need is published: %(title)s", title=TITLE
    )
    sentence = tr(
        language,
        'An organiser published your research need "%(title)s". Members can now find and '
        "answer it.",
        title=TITLE,
    )
    assert sentence in message.body
    deadline = tr(
        language,
        "Answers are possible until %(deadline)s.",
        deadline=deadline_text(language, need.deadline),
    )
    assert deadline in message.body and deadline in html_of(message)
    assert_link(
        message, language, need_path(need), "Your research need:", "Open your research need"
    )
    assert_language(message, language)


def test_need_published_twice_tells_the_owner_once(need, owner, capture):
    run(notifications.need_published, need, capture=capture)
    run(notifications.need_published, need, capture=capture)

    assert list(mails_of("research_needs.need_published")) == [owner.email]


def test_owner_who_left_the_organisation_is_replaced_by_its_admins(sme, capture):
    leaver = person("de", sme)
    admin = person("de", sme, role=Membership.Role.ADMIN)
    need = NeedFactory(organisation=sme, created_by=leaver, contact_person=leaver)
    Membership.objects.filter(user=leaver).delete()

    run(notifications.need_published, need, capture=capture)

    assert list(mails_of("research_needs.need_published")) == [admin.email]


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_changes_requested_carries_the_comment(sme, language, capture):
    author = person(language, sme)
    need = NeedFactory(organisation=sme, created_by=author, title=TITLE, draft=True)
    comment = "Bitte nennen Sie die Menge pro Jahr & die Korngröße."

    run(notifications.need_changes_requested, need, comment, capture=capture)

    message = only_mail("research_needs.need_changes_requested", author)
    assert message.subject == tr(
        language, "Changes requested for your research need: %(title)s", title=TITLE
    )
    assert (
        tr(
            language,
            'An organiser has read your research need "%(title)s" and asks for changes before '
            "publishing it:",
            title=TITLE,
        )
        in message.body
    )
    assert comment in message.body
    assert escape(comment) in html_of(message)
    assert_link(
        message,
        language,
        need_path(need),
        "Edit the need and submit it again:",
        "Edit the need and submit it again",
    )
    assert_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_rejected_carries_the_reason(sme, language, capture):
    author = person(language, sme)
    need = NeedFactory(organisation=sme, created_by=author, title=TITLE, submitted=True)
    comment = "Das ist ein Stellenangebot, kein Forschungsbedarf."

    run(notifications.need_rejected, need, comment, capture=capture)

    message = only_mail("research_needs.need_rejected", author)
    assert message.subject == tr(
        language, "Your research need was not published: %(title)s", title=TITLE
    )
    assert (
        tr(
            language,
            'An organiser decided not to publish your research need "%(title)s". The reason:',
            title=TITLE,
        )
        in message.body
    )
    assert comment in message.body and comment in html_of(message)
    assert_link(
        message, language, need_path(need), "Your research need:", "Open your research need"
    )
    assert_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_expiry_reminder_names_the_deadline(sme, language, capture):
    author = person(language, sme)
    deadline = timezone.localdate() + timedelta(days=14)
    need = NeedFactory(organisation=sme, created_by=author, title=TITLE, deadline=deadline)

    run(notifications.need_expiry_reminder, need, capture=capture)

    message = only_mail("research_needs.need_expiry_reminder", author)
    assert message.subject == tr(language, "Your research need closes soon: %(title)s", title=TITLE)
    sentence = tr(
        language,
        'The answer deadline of your research need "%(title)s" is %(deadline)s. On that day '
        "the need closes and takes no new answers.",
        title=TITLE,
        deadline=deadline_text(language, deadline),
    )
    assert sentence in message.body
    assert (
        tr(
            language,
            "If you are still looking for partners, you may extend the deadline once. If you "
            "have found one, you can close the need yourself.",
        )
        in message.body
    )
    assert_link(
        message, language, need_path(need), "Your research need:", "Open your research need"
    )
    assert_language(message, language)


def test_need_expiry_reminder_once_per_deadline(need, owner, capture):
    run(notifications.need_expiry_reminder, need, capture=capture)
    run(notifications.need_expiry_reminder, need, capture=capture)
    assert len(mail.outbox) == 1

    need.deadline += timedelta(days=60)  # extended: the new deadline gets its own reminder
    need.save()
    run(notifications.need_expiry_reminder, need, capture=capture)

    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="research_needs.need_expiry_reminder").count() == 2


def test_need_expiry_reminder_not_sent_once_extended_before_delivery(need, capture):
    with capture(execute=False) as callbacks:
        notifications.need_expiry_reminder(need)
    need.deadline += timedelta(days=60)
    need.save()

    for callback in callbacks:
        callback()

    assert mail.outbox == []
    (notification,) = Notification.objects.filter(kind="research_needs.need_expiry_reminder")
    assert notification.email_state == EmailState.SKIPPED


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_expired_tells_the_owner_once(sme, language, capture):
    author = person(language, sme)
    need = NeedFactory(organisation=sme, created_by=author, title=TITLE, closed=True)

    run(notifications.need_expired, need, capture=capture)
    run(notifications.need_expired, need, capture=capture)

    message = only_mail("research_needs.need_expired", author)
    assert message.subject == tr(language, "Your research need has closed: %(title)s", title=TITLE)
    assert (
        tr(
            language,
            'The answer deadline of your research need "%(title)s" has passed, so it was '
            "closed. Its answers and conversations stay available to you.",
            title=TITLE,
        )
        in message.body
    )
    assert_link(
        message, language, need_path(need), "Your research need:", "Open your research need"
    )
    assert_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_received_names_the_responder(sme, institute, researcher, language, capture):
    author = person(language, sme)
    need = NeedFactory(organisation=sme, created_by=author, title=TITLE, anonymous=True)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)

    run(notifications.answer_received, answer, capture=capture)

    message = only_mail("research_needs.answer_received", author)
    assert message.subject == tr(
        language, "New answer to your research need: %(title)s", title=TITLE
    )
    assert (
        tr(
            language,
            '%(organisation)s answered your research need "%(title)s".',
            organisation=institute.name,
            title=TITLE,
        )
        in message.body
    )
    assert_link(
        message,
        language,
        conversation_path(answer),
        "Read the answer and reply in the conversation:",
        "Read the answer and reply in the conversation",
    )
    assert_language(message, language)


# --- to the responder --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_shortlisted_names_the_owner_of_a_public_need(
    need, sme, institute, language, capture
):
    responder = person(language, institute)
    answer = AnswerFactory(
        need=need, organisation=institute, created_by=responder, shortlisted=True
    )

    run(notifications.answer_shortlisted, answer, capture=capture)

    message = only_mail("research_needs.answer_shortlisted", responder)
    assert message.subject == tr(language, "Your answer was shortlisted: %(title)s", title=TITLE)
    assert (
        tr(
            language,
            '%(organisation)s shortlisted your answer to the research need "%(title)s".',
            organisation=sme.name,
            title=TITLE,
        )
        in message.body
    )
    assert_link(
        message,
        language,
        conversation_path(answer),
        "The conversation about your answer:",
        "Open the conversation about your answer",
    )
    assert_language(message, language)


def test_answer_shortlisted_on_anonymous_need_keeps_the_owner_hidden(
    sme, owner, institute, researcher, capture
):
    need = NeedFactory(organisation=sme, created_by=owner, title=TITLE, anonymous=True)
    answer = AnswerFactory(
        need=need, organisation=institute, created_by=researcher, shortlisted=True
    )

    run(notifications.answer_shortlisted, answer, capture=capture)

    message = only_mail("research_needs.answer_shortlisted", researcher)
    assert (
        tr(
            "de",
            'The organisation behind the research need "%(title)s" shortlisted your answer.',
            title=TITLE,
        )
        in message.body
    )
    assert sme.name not in message.body + html_of(message) + message.subject
    assert sme.name not in str(Notification.objects.get(recipient=researcher).context)


@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_accepted_reveals_the_owner_even_of_an_anonymous_need(
    sme, owner, institute, language, capture
):
    responder = person(language, institute)
    need = NeedFactory(organisation=sme, created_by=owner, title=TITLE, anonymous=True)
    answer = AnswerFactory(need=need, organisation=institute, created_by=responder, accepted=True)

    run(notifications.answer_accepted, answer, capture=capture)

    message = only_mail("research_needs.answer_accepted", responder)
    assert message.subject == tr(language, "Your answer was accepted: %(title)s", title=TITLE)
    assert (
        tr(
            language,
            '%(organisation)s accepted your answer to the research need "%(title)s". Both '
            "sides now see each other's contact details.",
            organisation=sme.name,
            title=TITLE,
        )
        in message.body
    )
    assert_link(
        message,
        language,
        conversation_path(answer),
        "The conversation and the contact details:",
        "Open the conversation and the contact details",
    )
    assert_language(message, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_declined_carries_the_feedback(need, sme, institute, language, capture):
    responder = person(language, institute)
    answer = AnswerFactory(
        need=need,
        organisation=institute,
        created_by=responder,
        declined=True,
        feedback="Wir brauchen einen Partner mit Technikum & Genehmigung.",
    )

    run(notifications.answer_declined, answer, capture=capture)

    message = only_mail("research_needs.answer_declined", responder)
    assert message.subject == tr(language, "Your answer was declined: %(title)s", title=TITLE)
    assert (
        tr(
            language,
            '%(organisation)s declined your answer to the research need "%(title)s".',
            organisation=sme.name,
            title=TITLE,
        )
        in message.body
    )
    assert f"{tr(language, 'Their feedback:')}\n{answer.feedback}" in message.body
    assert escape(answer.feedback) in html_of(message)
    url = link(language, conversation_path(answer))
    assert (
        f"{tr(language, 'Thank you for answering. The conversation stays readable:')}\n{url}"
        in message.body
    )
    assert_language(message, language)


def test_answer_decisions_go_to_the_author_only_once(need, institute, researcher, capture):
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher, accepted=True)

    run(notifications.answer_accepted, answer, capture=capture)
    run(notifications.answer_accepted, answer, capture=capture)

    assert list(mails_of("research_needs.answer_accepted")) == [researcher.email]


# --- messages -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_message_from_responder_goes_to_the_need_owners(sme, institute, language, capture):
    author = person(language, sme)
    contact = person(language, sme)
    responder = person("de", institute)
    need = NeedFactory(organisation=sme, created_by=author, contact_person=contact, title=TITLE)
    answer = AnswerFactory(need=need, organisation=institute, created_by=responder)
    message_obj = MessageFactory(
        conversation=answer.conversation, author=responder, author_organisation=institute
    )

    run(notifications.message_received, message_obj, capture=capture)

    sent = mails_of("research_needs.message_received")
    assert set(sent) == {author.email, contact.email}
    message = sent[author.email]
    assert message.subject == tr(language, "New message about %(title)s", title=TITLE)
    assert (
        tr(
            language,
            "%(organisation)s wrote a new message in your conversation about the research need "
            '"%(title)s".',
            organisation=institute.name,
            title=TITLE,
        )
        in message.body
    )
    assert message_obj.body not in message.body  # the message itself stays on the site
    assert_link(message, language, conversation_path(answer), "Read and reply:", "Read and reply")
    assert_language(message, language)


def test_message_from_owner_of_anonymous_need_does_not_name_it(
    sme, owner, institute, researcher, capture
):
    colleague_of_researcher = person("en", institute)
    need = NeedFactory(organisation=sme, created_by=owner, title=TITLE, anonymous=True)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    # The researcher's colleague has written in the conversation too: they hear about replies.
    MessageFactory(
        conversation=answer.conversation,
        author=colleague_of_researcher,
        author_organisation=institute,
    )
    reply = MessageFactory(conversation=answer.conversation, author=owner, author_organisation=sme)

    run(notifications.message_received, reply, capture=capture)

    sent = mails_of("research_needs.message_received")
    assert set(sent) == {researcher.email, colleague_of_researcher.email}
    for message in sent.values():
        assert sme.name not in message.subject + message.body + html_of(message)
    assert (
        tr(
            "en",
            'The organisation behind the research need "%(title)s" wrote a new message in your '
            "conversation.",
            title=TITLE,
        )
        in sent[colleague_of_researcher.email].body
    )
    assert owner.email not in sent


def test_message_author_does_not_hear_about_own_message(sme, owner, institute, capture):
    need = NeedFactory(organisation=sme, created_by=owner, contact_person=owner)
    answer = AnswerFactory(need=need, organisation=institute, created_by=None)
    responder_admin = person("de", institute, role=Membership.Role.ADMIN)
    reply = MessageFactory(conversation=answer.conversation, author=owner, author_organisation=sme)

    run(notifications.message_received, reply, capture=capture)

    # The answer's author is gone: the answering organisation's admins hear it instead.
    assert list(mails_of("research_needs.message_received")) == [responder_admin.email]


# --- alerts -------------------------------------------------------------------------------


@pytest.fixture
def topics(db):
    return {
        "battery": topic("battery-recycling"),
        "hydro": topic("hydrometallurgy"),
        "slag": topic("slags-residues"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_alert_goes_to_members_whose_topics_match(sme, owner, topics, language, capture):
    by_profile = person(language, OrganisationFactory())
    by_profile.profile.topics.add(topics["hydro"])
    by_organisation = person(language, OrganisationFactory(topics=[topics["battery"]]))
    other_topic = person(language, OrganisationFactory(topics=[topics["slag"]]))
    other_topic.profile.topics.add(topics["slag"])
    same_org = person(language, sme)
    same_org.profile.topics.add(topics["battery"])
    without_org = person(language)
    without_org.profile.topics.add(topics["battery"])
    need = NeedFactory(
        organisation=sme,
        created_by=owner,
        title=TITLE,
        summary="Schwarzmasse aus Batterien soll hydrometallurgisch aufbereitet werden.",
        topics=[topics["battery"], topics["hydro"]],
    )

    run(notifications.need_published, need, capture=capture)

    sent = mails_of("research_needs.need_alert")
    assert set(sent) == {by_profile.email, by_organisation.email}
    message = sent[by_profile.email]
    assert message.subject == tr(
        language, "New research need in your field: %(title)s", title=TITLE
    )
    assert tr(language, "A new research need was published in one of your topics:") in message.body
    assert need.summary in message.body
    assert tr(language, "Posted by %(organisation)s", organisation=sme.name) in message.body
    with translation.override(language):
        names = {str(t) for t in (topics["battery"], topics["hydro"])}
    assert all(name in message.body for name in names)
    assert_link(
        message,
        language,
        need_path(need),
        "Read the need and answer it:",
        "Read the need and answer it",
    )
    assert_language(message, language)
    alert = Notification.objects.get(kind="research_needs.need_alert", recipient=by_profile)
    assert alert.category == "need_alerts"


def test_alert_for_anonymous_need_does_not_name_the_organisation(sme, owner, topics, capture):
    reader = person("de", OrganisationFactory(topics=[topics["battery"]]))
    need = NeedFactory(organisation=sme, created_by=owner, title=TITLE, anonymous=True)

    run(notifications.need_published, need, capture=capture)

    message = only_mail("research_needs.need_alert", reader)
    assert sme.name not in message.subject + message.body + html_of(message)
    assert (
        "Posted by" not in message.body
        and tr("de", "Posted by %(organisation)s", organisation="") not in message.body
    )
    alert = Notification.objects.get(kind="research_needs.need_alert")
    assert sme.name not in str(alert.context) and sme.name not in alert.subject


def test_alert_respects_switched_off_alerts(sme, owner, topics, capture):
    reader = person("de", OrganisationFactory(topics=[topics["battery"]]))
    preferences_update(actor=reader, user=reader, preferences={"need_alerts": "off"})
    need = NeedFactory(organisation=sme, created_by=owner)

    run(notifications.need_published, need, capture=capture)

    assert mails_of("research_needs.need_alert") == {}
    alert = Notification.objects.get(kind="research_needs.need_alert")
    assert alert.email_state == EmailState.SKIPPED and alert.in_app


def test_alert_is_not_sent_when_the_need_closed_before_delivery(sme, owner, topics, capture):
    person("de", OrganisationFactory(topics=[topics["battery"]]))
    need = NeedFactory(organisation=sme, created_by=owner)
    with capture(execute=False) as callbacks:
        notifications.need_published(need)
    need.status, need.close_reason, need.closed_at = "closed", "withdrawn", timezone.now()
    need.save()

    for callback in callbacks:
        callback()

    assert mails_of("research_needs.need_alert") == {}


def test_alerts_go_out_once_per_need(sme, owner, topics, capture):
    reader = person("de", OrganisationFactory(topics=[topics["battery"]]))
    need = NeedFactory(organisation=sme, created_by=owner)

    run(notifications.need_published, need, capture=capture)
    run(notifications.need_published, need, capture=capture)

    assert list(mails_of("research_needs.need_alert")) == [reader.email]

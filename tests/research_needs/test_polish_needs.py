"""Issue 11 on the needs pages: a submitted need stays editable, the answer button near the
top, search results that say what was searched with the matched words marked, and opening a
need or a conversation marks its notifications read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.notifications.models import Notification
from forum.notifications.services import notification_mark_read_for, notify
from forum.templatetags.forum_text import highlight
from research_needs import services
from research_needs.models import Need
from tests.factories import AnswerFactory, MessageFactory, NeedFactory
from tests.research_needs.test_forms import _need_post

pytestmark = pytest.mark.django_db


# --- A submitted need stays editable ---------------------------------------------------------


def test_owner_edits_a_submitted_need_and_it_stays_submitted(client, owner, sme, organiser_user):
    need = NeedFactory(organisation=sme, submitted=True, title="Alter Titel")
    client.force_login(owner)

    page = client.get(reverse("research_needs:edit", args=[need.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="submit"' not in html  # no second "submit" for a submitted need

    response = client.post(
        reverse("research_needs:edit", args=[need.pk]), _need_post(title="Neuer Titel")
    )

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "Neuer Titel"
    assert need.status == Need.Status.SUBMITTED


def test_moderators_see_the_changed_need(client, owner, sme, organiser_user):
    need = NeedFactory(organisation=sme, submitted=True, title="Alter Titel")
    two_hours_ago = timezone.now() - timedelta(hours=2)
    Need.objects.filter(pk=need.pk).update(submitted_at=two_hours_ago, created_at=two_hours_ago)
    services.need_update(actor=owner, need=need, title="Korrigierter Titel")
    client.force_login(organiser_user)

    html = client.get(reverse("research_needs:moderation")).content.decode()

    assert "Korrigierter Titel" in html
    assert "geändert am" in html


def test_moderation_list_does_not_call_an_unchanged_need_changed(client, sme, organiser_user):
    NeedFactory(organisation=sme, submitted=True)  # submitted days ago, created just now
    client.force_login(organiser_user)

    assert "geändert am" not in client.get(reverse("research_needs:moderation")).content.decode()


def test_need_update_keeps_refusing_published_needs(owner, sme):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.need_update(actor=owner, need=NeedFactory(organisation=sme), title="Neu")


def test_need_detail_of_a_submitted_need_offers_edit(client, owner, sme):
    need = NeedFactory(organisation=sme, submitted=True)
    client.force_login(owner)

    html = client.get(need.get_absolute_url()).content.decode()

    assert reverse("research_needs:edit", args=[need.pk]) in html
    assert reverse("research_needs:submit", args=[need.pk]) not in html


# --- The answer button near the top ---------------------------------------------------------


def test_answer_button_comes_before_the_summary(client, researcher, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(researcher)

    html = client.get(need.get_absolute_url()).content.decode()

    answer_url = reverse("research_needs:answer", args=[need.pk])
    assert html.index(answer_url) < html.index('id="summary-title"')


# --- Search results --------------------------------------------------------------------------


def test_search_says_what_was_searched_and_marks_the_words(client, sme):
    NeedFactory(organisation=sme, title="Lagerung beschädigter Batterien", summary="Altbatterien.")
    NeedFactory(organisation=sme, title="Schlacke aufbereiten", summary="Zink aus Schlacke.")

    html = client.get(reverse("research_needs:list"), {"q": "Batterien"}).content.decode()

    assert "1 Ergebnis für „Batterien“" in html
    assert "Lagerung beschädigter <mark>Batterien</mark>" in html


def test_search_heading_escapes_the_query(client, sme):
    html = client.get(reverse("research_needs:list"), {"q": "<b>Zink</b>"}).content.decode()

    assert "<b>Zink</b>" not in html
    assert "&lt;b&gt;Zink&lt;/b&gt;" in html


def test_english_search_heading(client, sme):
    NeedFactory(organisation=sme, title="Batterien sicher lagern")
    NeedFactory(organisation=sme, title="Batterie-Sammlung")

    html = client.get("/en/needs/", {"q": "Batterien"}).content.decode()

    assert "2 results for “Batterien”" in html


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Defekte Batterien", "Batterien", "Defekte <mark>Batterien</mark>"),
        ("Eine Batterie", "Batterien", "Eine <mark>Batterie</mark>"),
        ("Batterieaufbereitung", "Batterien", "Batterieaufbereitung"),  # compounds: no
        ("Lithium-Batterien", "batterien", "Lithium-<mark>Batterien</mark>"),
        ("Kobalt und Nickel", "Kobalt und Nickel", "<mark>Kobalt</mark> und <mark>Nickel</mark>"),
        ("Kobalt und Nickel", "Kobalt -Nickel", "<mark>Kobalt</mark> und Nickel"),
        ("a < b & Zink", "Zink", "a &lt; b &amp; <mark>Zink</mark>"),
        (
            "<script>x</script>",
            "script",
            "&lt;<mark>script</mark>&gt;x&lt;/<mark>script</mark>&gt;",
        ),
        ("Zink", "<mark>", "Zink"),
        ("Zink", "", "Zink"),
        ("Zink (Zn)", ".*", "Zink (Zn)"),
    ],
)
def test_highlight_marks_words_and_escapes_everything(text, query, expected):
    assert str(highlight(text, query)) == expected


# --- Opening a need or a conversation marks its notifications read ------------------------


def _notification(recipient, url, **context):
    return notify(
        kind="research_needs.answer_received", recipient=recipient, context={"url": url, **context}
    )


def test_opening_a_need_marks_its_notifications_read(client, owner, sme):
    need = NeedFactory(organisation=sme)
    other = NeedFactory(organisation=sme)
    about = _notification(owner, reverse("research_needs:detail", args=[need.pk]), need_id=need.pk)
    elsewhere = _notification(owner, reverse("research_needs:detail", args=[other.pk]))
    client.force_login(owner)

    client.get(f"/en/needs/{need.pk}/")  # the English page marks the German-stored link

    about.refresh_from_db()
    elsewhere.refresh_from_db()
    assert about.read_at is not None
    assert elsewhere.read_at is None


def test_opening_a_conversation_marks_its_message_notifications_read(client, owner, sme):
    answer = AnswerFactory(need=NeedFactory(organisation=sme))
    conversation = answer.conversation
    MessageFactory(conversation=conversation)
    message = _notification(
        owner,
        reverse("research_needs:conversation", args=[conversation.pk]),
        need_id=answer.need_id,
    )
    need_note = _notification(owner, reverse("research_needs:detail", args=[answer.need_id]))
    client.force_login(owner)

    response = client.get(reverse("research_needs:conversation", args=[conversation.pk]))

    assert response.status_code == 200
    message.refresh_from_db()
    need_note.refresh_from_db()
    assert message.read_at is not None
    assert need_note.read_at is None  # the need's own notification waits for the need page


def test_mark_read_for_touches_only_the_actors_notifications(owner, colleague, sme):
    need = NeedFactory(organisation=sme)
    url = reverse("research_needs:detail", args=[need.pk])
    mine, theirs = _notification(owner, url), _notification(colleague, url)

    assert notification_mark_read_for(actor=owner, obj=need) == 1

    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_read_for_does_nothing_for_visitors_or_nothing(sme):
    from django.contrib.auth.models import AnonymousUser

    need = NeedFactory(organisation=sme)

    assert notification_mark_read_for(actor=AnonymousUser(), obj=need) == 0
    assert notification_mark_read_for(actor=AnonymousUser(), obj=None) == 0

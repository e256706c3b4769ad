"""Pages of research needs: what each role sees (PRODUCT.md 4), anonymous posters, contacts
after acceptance, conversations with read state, and the landing and organisation hooks."""

import pytest
from django.urls import reverse

from research_needs.models import Answer
from tests.factories import AnswerFactory, MessageFactory, NeedFactory, UserFactory, topic

pytestmark = pytest.mark.django_db

DESCRIPTION = "Unsere Anlage in Goslar zerkleinert jährlich"


def _detail(client, need):
    return client.get(reverse("research_needs:detail", args=[need.pk]))


# --- list ---------------------------------------------------------------------------------


def test_list_shows_visitors_public_published_needs_only(client, sme):
    public = NeedFactory(organisation=sme, title="Öffentlich")
    NeedFactory(organisation=sme, title="Nur Mitglieder", members_only=True)
    NeedFactory(organisation=sme, title="Anonym", anonymous=True)
    NeedFactory(organisation=sme, title="Entwurf", draft=True)
    NeedFactory(organisation=sme, title="Eingereicht", submitted=True)

    response = client.get(reverse("research_needs:list"))

    assert response.status_code == 200
    assert list(response.context["needs"]) == [public]


def test_list_shows_members_every_published_need_but_hides_anonymous_posters(client, sme, stranger):
    NeedFactory(organisation=sme, title="Öffentlich")
    NeedFactory(organisation=sme, title="Nur Mitglieder", members_only=True)
    NeedFactory(organisation=sme, title="Anonym", anonymous=True)
    client.force_login(stranger)

    response = client.get(reverse("research_needs:list"))

    titles = {need.title for need in response.context["needs"]}
    assert titles == {"Öffentlich", "Nur Mitglieder", "Anonym"}
    assert response.text.count(sme.name) == 2
    assert "Anonyme Organisation" in response.text or "Anonymous organisation" in response.text


def test_list_search_finds_inflected_german_words(client, sme):
    NeedFactory(organisation=sme, title="Recycling einer Batterie", summary="Kurz.", keywords=[])
    NeedFactory(organisation=sme, title="Schlackenaufbereitung", summary="Kurz.", keywords=[])

    response = client.get(reverse("research_needs:list"), {"q": "Batterien"})

    assert [need.title for need in response.context["needs"]] == ["Recycling einer Batterie"]


def test_list_closed_filter(client, sme):
    NeedFactory(organisation=sme, title="Offen")
    NeedFactory(organisation=sme, title="Zu", closed=True)

    closed = client.get(reverse("research_needs:list"), {"status": "closed"})
    both = client.get(reverse("research_needs:list"), {"status": "all"})

    assert [n.title for n in closed.context["needs"]] == ["Zu"]
    assert {n.title for n in both.context["needs"]} == {"Offen", "Zu"}


def test_list_paginates(client, sme):
    NeedFactory.create_batch(21, organisation=sme)

    first = client.get(reverse("research_needs:list"))
    second = client.get(reverse("research_needs:list"), {"page": 2})

    assert len(first.context["needs"]) == 20
    assert len(second.context["needs"]) == 1


# --- detail -------------------------------------------------------------------------------


def test_detail_visitor_sees_title_and_summary_only(client, sme):
    need = NeedFactory(organisation=sme)

    response = _detail(client, need)

    assert response.status_code == 200
    assert need.title in response.text
    assert need.summary in response.text
    assert DESCRIPTION not in response.text
    assert "Schwarzmasse, Hydrometallurgie" not in response.text


def test_detail_member_sees_everything(client, sme, stranger):
    need = NeedFactory(organisation=sme)
    client.force_login(stranger)

    response = _detail(client, need)

    assert DESCRIPTION in response.text
    assert sme.name in response.text
    assert reverse("research_needs:answer", args=[need.pk]) in response.text


def test_detail_logged_in_without_organisation_sees_only_the_teaser(client, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(UserFactory())

    response = _detail(client, need)

    assert response.status_code == 200
    assert DESCRIPTION not in response.text


@pytest.mark.parametrize("trait", ["members_only", "anonymous"])
def test_detail_hidden_needs_are_404_for_visitors(client, sme, trait):
    need = NeedFactory(organisation=sme, **{trait: True})

    assert _detail(client, need).status_code == 404


@pytest.mark.parametrize("trait", ["draft", "submitted"])
def test_detail_unpublished_needs_only_for_their_organisation_and_organisers(
    client, sme, stranger, colleague, organiser_user, trait
):
    need = NeedFactory(organisation=sme, **{trait: True})

    assert _detail(client, need).status_code == 404
    client.force_login(stranger)
    assert _detail(client, need).status_code == 404
    client.force_login(colleague)
    assert _detail(client, need).status_code == 200
    client.force_login(organiser_user)
    assert _detail(client, need).status_code == 200


def test_rejected_need_stays_hidden(client, sme, stranger, organiser_user):
    from research_needs import services

    need = NeedFactory(organisation=sme, submitted=True)
    services.need_reject(actor=organiser_user, need=need, comment="Kein Forschungsbedarf.")
    client.force_login(stranger)

    assert _detail(client, need).status_code == 404


def test_anonymous_need_hides_the_poster_until_acceptance(
    client, sme, owner, researcher, institute
):
    need = NeedFactory(organisation=sme, anonymous=True)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    client.force_login(researcher)

    before = _detail(client, need)
    conversation_before = client.get(
        reverse("research_needs:conversation", args=[answer.conversation.pk])
    )

    assert sme.name not in before.text
    assert sme.slug not in before.text
    assert sme.name not in conversation_before.text
    Answer.objects.filter(pk=answer.pk).update(status="accepted")

    after = _detail(client, need)

    assert sme.name in after.text


def test_anonymous_need_shows_the_poster_to_its_organisation_and_organisers(
    client, sme, colleague, organiser_user
):
    need = NeedFactory(organisation=sme, anonymous=True)
    for user in (colleague, organiser_user):
        client.force_login(user)
        assert sme.name in _detail(client, need).text


def test_accepting_reveals_contacts_both_ways(client, sme, owner, researcher, institute):
    from members.models import Profile

    Profile.objects.create(user=owner, phone="+49 5321 123456")
    Profile.objects.create(user=researcher, phone="+49 5323 999")
    need = NeedFactory(organisation=sme, created_by=owner, contact_person=owner)
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    client.force_login(researcher)
    assert owner.email not in _detail(client, need).text

    client.force_login(owner)
    assert researcher.email not in _detail(client, need).text
    response = client.post(reverse("research_needs:answer_accept", args=[answer.pk]))
    assert response.status_code == 302

    owner_view = _detail(client, need)
    client.force_login(researcher)
    responder_view = _detail(client, need)
    for page in (owner_view, responder_view):
        assert owner.email in page.text
        assert researcher.email in page.text
        assert "+49 5321 123456" in page.text
        assert "+49 5323 999" in page.text
    assert reverse("research_needs:close", args=[need.pk]) in owner_view.text


def test_owner_closes_as_cooperation_formed(client, sme, owner):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)

    response = client.post(
        reverse("research_needs:close", args=[need.pk]), {"reason": "cooperation"}
    )

    need.refresh_from_db()
    assert response.status_code == 302
    assert (need.status, need.close_reason) == ("closed", "cooperation")


def test_closed_need_takes_no_answers(client, sme, researcher):
    need = NeedFactory(organisation=sme, closed=True)
    client.force_login(researcher)

    page = _detail(client, need)
    response = client.get(reverse("research_needs:answer", args=[need.pk]))

    assert reverse("research_needs:answer", args=[need.pk]) not in page.text
    assert response.status_code == 302


def test_own_organisation_cannot_answer(client, sme, colleague):
    need = NeedFactory(organisation=sme)
    client.force_login(colleague)

    assert client.get(reverse("research_needs:answer", args=[need.pk])).status_code == 404


# --- owners' actions ----------------------------------------------------------------------


def test_owner_shortlists_and_declines_with_feedback(client, sme, owner, institute):
    need = NeedFactory(organisation=sme)
    answer = AnswerFactory(need=need, organisation=institute)
    client.force_login(owner)

    client.post(reverse("research_needs:answer_shortlist", args=[answer.pk]))
    answer.refresh_from_db()
    assert answer.status == "shortlisted"
    response = client.post(
        reverse("research_needs:answer_decline", args=[answer.pk]), {"feedback": "Zu spät."}
    )

    answer.refresh_from_db()
    assert response.status_code == 302
    assert (answer.status, answer.feedback) == ("declined", "Zu spät.")


def test_answer_actions_are_404_for_others(client, sme, institute, stranger, researcher):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    for user in (stranger, researcher):
        client.force_login(user)
        for name in ("answer_shortlist", "answer_accept"):
            assert (
                client.post(reverse(f"research_needs:{name}", args=[answer.pk])).status_code == 404
            )
        assert (
            client.get(reverse("research_needs:answer_decline", args=[answer.pk])).status_code
            == 404
        )


def test_responder_withdraws(client, sme, institute, researcher):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    client.force_login(researcher)

    response = client.post(
        reverse("research_needs:answer_withdraw", args=[answer.pk]), {"confirm": "yes"}
    )

    answer.refresh_from_db()
    assert response.status_code == 302
    assert answer.status == "withdrawn"


def test_submit_draft_from_detail(client, sme, owner):
    need = NeedFactory(organisation=sme, draft=True)
    client.force_login(owner)

    client.post(reverse("research_needs:submit", args=[need.pk]))

    need.refresh_from_db()
    assert need.status == "submitted"


def test_edit_published_need_redirects_to_detail(client, sme, owner):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)

    response = client.get(reverse("research_needs:edit", args=[need.pk]))

    assert response.status_code == 302
    assert response.url == need.get_absolute_url()


def test_extend_once(client, sme, owner):
    from datetime import timedelta

    need = NeedFactory(organisation=sme)
    client.force_login(owner)
    new = need.deadline + timedelta(days=20)

    response = client.post(
        reverse("research_needs:extend", args=[need.pk]), {"deadline": new.isoformat()}
    )

    need.refresh_from_db()
    assert response.status_code == 302
    assert need.deadline == new
    assert client.get(reverse("research_needs:extend", args=[need.pk])).status_code == 302


@pytest.mark.parametrize("name", ["edit", "close", "extend", "attachment_add"])
def test_owner_pages_404_for_others_and_login_for_visitors(client, sme, stranger, name):
    need = NeedFactory(organisation=sme, draft=name == "edit")
    url = reverse(f"research_needs:{name}", args=[need.pk])

    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    client.force_login(stranger)
    assert client.get(url).status_code == 404


# --- conversations ------------------------------------------------------------------------


def test_conversation_read_state_and_access(
    client, sme, owner, researcher, institute, stranger, organiser_user
):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    MessageFactory(conversation=answer.conversation, author=researcher, body="Erste Frage")
    url = reverse("research_needs:conversation", args=[answer.conversation.pk])

    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(organiser_user)
    assert "Erste Frage" in client.get(url).text
    assert answer.conversation.messages.get().read_at is None  # organisers read along

    client.force_login(owner)
    mine = client.get(reverse("research_needs:mine"))
    assert mine.status_code == 200
    page = client.get(url)
    assert page.context["unread_ids"]
    assert answer.conversation.messages.get().read_at is not None

    response = client.post(url, {"body": "Antwort vom Unternehmen"})
    assert response.status_code == 302
    client.force_login(researcher)
    assert "Antwort vom Unternehmen" in client.get(url).text


def test_organiser_cannot_write_in_a_conversation(client, sme, institute, organiser_user):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    client.force_login(organiser_user)

    response = client.post(
        reverse("research_needs:conversation", args=[answer.conversation.pk]), {"body": "Hallo"}
    )

    assert response.status_code == 404
    assert not answer.conversation.messages.exists()


def test_deleted_author_is_shown_as_deleted_user(client, sme, institute, owner):
    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    MessageFactory(conversation=answer.conversation, author=None, body="Alte Nachricht")
    client.force_login(owner)

    page = client.get(reverse("research_needs:conversation", args=[answer.conversation.pk]))

    assert "Alte Nachricht" in page.text
    assert "Gelöschte" in page.text or "Deleted user" in page.text


# --- landing and organisation page hooks --------------------------------------------------


def test_landing_lists_the_newest_public_needs(client, sme):
    NeedFactory(organisation=sme, title="Für alle sichtbar")
    NeedFactory(organisation=sme, title="Geheim anonym", anonymous=True)
    NeedFactory(organisation=sme, title="Nur intern", members_only=True)

    response = client.get(reverse("landing"))

    assert "Für alle sichtbar" in response.text
    assert "Geheim anonym" not in response.text
    assert "Nur intern" not in response.text


def test_organisation_page_never_lists_its_anonymous_needs_to_others(
    client, sme, stranger, colleague
):
    NeedFactory(organisation=sme, title="Offen und öffentlich")
    NeedFactory(organisation=sme, title="Anonym gesucht", anonymous=True)
    url = sme.get_absolute_url()

    client.force_login(stranger)
    page = client.get(url)
    assert "Offen und öffentlich" in page.text
    assert "Anonym gesucht" not in page.text
    client.force_login(colleague)
    assert "Anonym gesucht" in client.get(url).text


def test_topic_filter_from_organisation_topics(client, sme):
    NeedFactory(organisation=sme, title="Mit Katalysator", topics=[topic("catalysts")])
    NeedFactory(organisation=sme, title="Ohne")

    response = client.get(reverse("research_needs:list"), {"topic": "catalysts"})

    assert [n.title for n in response.context["needs"]] == ["Mit Katalysator"]


@pytest.mark.parametrize(
    "path",
    [
        "/needs/99999999999999999999/",
        "/needs/99999999999999999999/files/99999999999999999999/",
        "/needs/conversations/99999999999999999999/",
        "/en/needs/99999999999999999999/",
    ],
)
def test_out_of_range_ids_are_404(client, organiser_user, path):
    client.force_login(organiser_user)

    assert client.get(path).status_code == 404

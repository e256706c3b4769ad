"""Bad input for every field of the need, answer and other forms: 400, the error at its
field, the user's input kept, nothing saved (R2)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Topic
from research_needs.models import Answer, Need, add_months
from tests.factories import NeedFactory, topic

pytestmark = pytest.mark.django_db


def _need_post(**overrides):
    data = {
        "title": "Recycling von Lithium-Ionen-Batterien",
        "summary": "Wir suchen ein Verfahren für Schwarzmasse.",
        "description": "Unsere Anlage zerkleinert Altbatterien.",
        "challenge_types": ["new_technology"],
        "topics": [str(topic().pk)],
        "keywords": "Schwarzmasse, Lithium",
        "trl_now": "3",
        "trl_target": "6",
        "cooperation_types": ["contract_research"],
        "partner_kinds": ["research"],
        "budget_band": "10k_50k",
        "desired_start": "",
        "deadline": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "language": "de",
        "visibility": "public",
        "contact_person": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def _errors(response, field):
    form = response.context["form"]
    return form.errors.get(field)


def test_need_form_valid_post_saves_a_draft(client, owner):
    client.force_login(owner)

    response = client.post(reverse("research_needs:create"), _need_post())

    need = Need.objects.get()
    assert response.status_code == 302
    assert response.url == need.get_absolute_url()
    assert need.status == "draft"
    assert need.keywords == ["Schwarzmasse", "Lithium"]


def test_need_form_submit_button_submits(client, owner):
    client.force_login(owner)

    client.post(reverse("research_needs:create"), _need_post(action="submit"))

    assert Need.objects.get().status == "submitted"


def test_need_form_get_prefills_deadline_six_months_ahead(client, owner):
    client.force_login(owner)

    response = client.get(reverse("research_needs:create"))

    assert response.status_code == 200
    assert response.context["form"]["deadline"].value() == add_months(timezone.localdate(), 6)


TOO_MANY_TOPICS = "six"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "T" * 201),
        ("summary", ""),
        ("summary", "S" * 501),
        ("description", ""),
        ("description", "D" * 8001),
        ("challenge_types", []),
        ("challenge_types", ["teleportation"]),
        ("topics", []),
        ("topics", ["999999"]),
        ("topics", TOO_MANY_TOPICS),
        ("keywords", ", ".join(f"Wort{i}" for i in range(11))),
        ("keywords", "x" * 51),
        ("trl_now", "0"),
        ("trl_now", "zehn"),
        ("trl_target", "10"),
        ("cooperation_types", []),
        ("cooperation_types", ["marriage"]),
        ("partner_kinds", ["aliens"]),
        ("budget_band", "billions"),
        ("desired_start", "31.02.2027"),
        ("desired_start", "2020-01-01"),
        ("deadline", ""),
        ("deadline", "gestern"),
        ("deadline", "past"),
        ("deadline", "too_late"),
        ("language", "fr"),
        ("visibility", "secret"),
        ("contact_person", "999999"),
    ],
)
def test_need_form_bad_input_answers_400_at_the_field(client, owner, field, value):
    client.force_login(owner)
    if value == TOO_MANY_TOPICS:
        value = [str(pk) for pk in Topic.objects.values_list("pk", flat=True)[:6]]
    elif value == "past":
        value = (timezone.localdate() - timedelta(days=1)).isoformat()
    elif value == "too_late":
        value = (add_months(timezone.localdate(), 12) + timedelta(days=1)).isoformat()

    response = client.post(reverse("research_needs:create"), _need_post(**{field: value}))

    assert response.status_code == 400
    assert _errors(response, field), response.context["form"].errors
    assert not Need.objects.exists()
    # What the user typed is kept.
    kept = "Unsere Anlage zerkleinert Altbatterien." if field == "title" else "Lithium-Ionen"
    assert kept in response.text


def test_need_form_trl_target_below_now(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("research_needs:create"), _need_post(trl_now="6", trl_target="4")
    )

    assert response.status_code == 400
    assert _errors(response, "trl_target")


def test_need_form_keeps_long_input(client, owner):
    client.force_login(owner)
    text = "Eine sehr genaue Beschreibung. " * 10

    response = client.post(reverse("research_needs:create"), _need_post(description=text, title=""))

    assert response.status_code == 400
    assert text.strip() in response.text


def test_need_form_for_user_without_organisation_redirects_to_onboarding(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    response = client.get(reverse("research_needs:create"))

    assert response.status_code == 302
    assert response.url == reverse("members:onboarding")


def test_need_form_organiser_picks_the_organisation(client, organiser_user, sme):
    client.force_login(organiser_user)
    response = client.post(reverse("research_needs:create"), _need_post())
    assert response.status_code == 400
    assert _errors(response, "organisation")

    response = client.post(reverse("research_needs:create"), _need_post(organisation=sme.pk))

    assert response.status_code == 302
    assert Need.objects.get().organisation == sme


def test_need_edit_bad_input_keeps_the_saved_need(client, owner, sme):
    need = NeedFactory(organisation=sme, draft=True, title="Alter Titel")
    client.force_login(owner)

    response = client.post(reverse("research_needs:edit", args=[need.pk]), _need_post(title=""))

    assert response.status_code == 400
    assert _errors(response, "title")
    need.refresh_from_db()
    assert need.title == "Alter Titel"


# --- answer form --------------------------------------------------------------------------


def _answer_post(**overrides):
    data = {
        "approach": "Selektive Laugung im Technikum.",
        "competences": "Hydrometallurgie",
        "references": "Projekt X",
        "cooperation_type": "contract_research",
        "timeframe": "6 Monate",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("approach", ""),
        ("approach", "A" * 4001),
        ("competences", "C" * 2001),
        ("references", "R" * 2001),
        ("cooperation_type", ""),
        ("cooperation_type", "bribery"),
        ("timeframe", "T" * 201),
    ],
)
def test_answer_form_bad_input_answers_400(client, researcher, sme, field, value):
    need = NeedFactory(organisation=sme)
    client.force_login(researcher)

    response = client.post(
        reverse("research_needs:answer", args=[need.pk]), _answer_post(**{field: value})
    )

    assert response.status_code == 400
    assert _errors(response, field)
    assert not Answer.objects.exists()


def test_answer_form_valid_post_opens_the_conversation(client, researcher, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(researcher)

    response = client.post(reverse("research_needs:answer", args=[need.pk]), _answer_post())

    answer = Answer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("research_needs:conversation", args=[answer.conversation.pk])


def test_answer_twice_answers_400_with_a_message(client, researcher, sme):
    need = NeedFactory(organisation=sme)
    client.force_login(researcher)
    client.post(reverse("research_needs:answer", args=[need.pk]), _answer_post())

    response = client.post(reverse("research_needs:answer", args=[need.pk]), _answer_post())

    # The page no longer offers the form: the organisation has an active answer.
    assert response.status_code in (302, 400, 404)
    assert Answer.objects.count() == 1


# --- decline, comment, close, extend, message ---------------------------------------------


def test_decline_without_feedback_answers_400(client, owner, sme):
    from tests.factories import AnswerFactory

    answer = AnswerFactory(need=NeedFactory(organisation=sme))
    client.force_login(owner)

    response = client.post(
        reverse("research_needs:answer_decline", args=[answer.pk]), {"feedback": "  "}
    )

    assert response.status_code == 400
    assert _errors(response, "feedback")
    answer.refresh_from_db()
    assert answer.status == "submitted"


def test_decline_with_overlong_feedback_answers_400(client, owner, sme):
    from tests.factories import AnswerFactory

    answer = AnswerFactory(need=NeedFactory(organisation=sme))
    client.force_login(owner)

    response = client.post(
        reverse("research_needs:answer_decline", args=[answer.pk]), {"feedback": "F" * 2001}
    )

    assert response.status_code == 400
    assert _errors(response, "feedback")


@pytest.mark.parametrize("reason", ["", "expired", "rejected", "bored"])
def test_close_with_a_bad_reason_answers_400(client, owner, sme, reason):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)

    response = client.post(reverse("research_needs:close", args=[need.pk]), {"reason": reason})

    assert response.status_code == 400
    assert _errors(response, "reason")
    need.refresh_from_db()
    assert need.status == "published"


@pytest.mark.parametrize("value", ["", "morgen", "past", "too_late"])
def test_extend_with_a_bad_date_answers_400(client, owner, sme, value):
    need = NeedFactory(organisation=sme)
    client.force_login(owner)
    if value == "past":
        value = need.deadline.isoformat()
    elif value == "too_late":
        value = (need.latest_extension_deadline + timedelta(days=1)).isoformat()

    response = client.post(reverse("research_needs:extend", args=[need.pk]), {"deadline": value})

    assert response.status_code == 400
    assert _errors(response, "deadline")
    need.refresh_from_db()
    assert need.extended_at is None


@pytest.mark.parametrize("body", ["", "   ", "M" * 4001])
def test_message_bad_body_answers_400(client, researcher, sme, institute, body):
    from tests.factories import AnswerFactory

    answer = AnswerFactory(need=NeedFactory(organisation=sme), organisation=institute)
    client.force_login(researcher)

    response = client.post(
        reverse("research_needs:conversation", args=[answer.conversation.pk]), {"body": body}
    )

    assert response.status_code == 400
    assert _errors(response, "body")
    assert not answer.conversation.messages.exists()


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_moderation_comment_required(client, organiser_user, sme, action):
    need = NeedFactory(organisation=sme, submitted=True)
    client.force_login(organiser_user)

    response = client.post(reverse(f"research_needs:{action}", args=[need.pk]), {"comment": ""})

    assert response.status_code == 400
    assert _errors(response, "comment")
    need.refresh_from_db()
    assert need.status == "submitted"


def test_list_shows_bad_filters_as_errors_and_applies_the_rest(client, sme):
    NeedFactory(organisation=sme, title="Batterien sammeln")

    response = client.get(
        reverse("research_needs:list"),
        {"topic": "nope", "trl": "99", "sort": "random", "status": "weird", "org_kind": "x"},
    )

    assert response.status_code == 400
    assert set(response.context["search_form"].errors) == {
        "topic",
        "trl",
        "sort",
        "status",
        "org_kind",
    }
    assert "Batterien sammeln" in response.text

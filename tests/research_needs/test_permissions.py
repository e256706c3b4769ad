"""Who may open which research-needs URL (PRODUCT.md 4, R3): hidden things answer 404,
visitors who must log in go to the login page.

Roles: a visitor; a member of an organisation unrelated to the need ("other"); a member of
the organisation that answered it ("responder"); a plain member and the admin of the owning
organisation; an organiser (staff in the Organisers group, without an organisation). Every
row runs against a fresh set of needs: a public, a members-only and an anonymous published
need, a draft and a submitted one, an answer with its conversation, and attachments.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from research_needs.models import Answer, Attachment, Conversation, Introduction, Need
from tests.factories import AnswerFactory, MessageFactory, NeedFactory
from tests.matrix import LOGIN, MATRIX_ARGS, cases, check, url_names

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "other", "responder", "member", "admin", "organiser"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fake_pdf():
    """An HTML page named .pdf: refused by content with a field error."""
    return {"files": SimpleUploadedFile("plan.pdf", b"<html><body>nope</body></html>")}


# name, method, args builder, expected per role in ROLES order, POST data (tests/matrix.py)
MATRIX = [
    ("list", "get", lambda w: [], [200, 200, 200, 200, 200, 200]),
    ("create", "get", lambda w: [], [LOGIN, 200, 200, 200, 200, 200]),
    # The organiser has no organisation of their own: sent to create or join one.
    ("mine", "get", lambda w: [], [LOGIN, 200, 200, 200, 200, 302]),
    ("moderation", "get", lambda w: [], [LOGIN, 404, 404, 404, 404, 200]),
    ("publish", "post", lambda w: [w["submitted"].pk], [LOGIN, 404, 404, 404, 404, 302]),
    (
        "request_changes",
        "post",
        lambda w: [w["submitted"].pk],
        [LOGIN, 404, 404, 404, 404, 302],
        {"comment": "Bitte die Jahresmenge nennen."},
    ),
    (
        "reject",
        "post",
        lambda w: [w["submitted"].pk],
        [LOGIN, 404, 404, 404, 404, 302],
        {"comment": "Kein Forschungsbedarf."},
    ),
    ("detail", "get", lambda w: [w["public"].pk], [200, 200, 200, 200, 200, 200]),
    ("edit", "get", lambda w: [w["draft"].pk], [LOGIN, 404, 404, 200, 200, 200]),
    ("submit", "post", lambda w: [w["draft"].pk], [LOGIN, 404, 404, 302, 302, 302]),
    (
        "close",
        "post",
        lambda w: [w["public"].pk],
        [LOGIN, 404, 404, 302, 302, 302],
        {"reason": "withdrawn"},
    ),
    # An invalid form answers 400 with field errors: allowed, and nothing changes.
    (
        "extend",
        "post",
        lambda w: [w["public"].pk],
        [LOGIN, 404, 404, 400, 400, 400],
        {"deadline": "kein Datum"},
    ),
    (
        "attachment_add",
        "post",
        lambda w: [w["draft"].pk],
        [LOGIN, 404, 404, 400, 400, 400],
        _fake_pdf,
    ),
    # Files are for members only; a visitor is not told that a file exists.
    (
        "attachment",
        "get",
        lambda w: [w["public"].pk, w["public_file"].pk],
        [404, 200, 200, 200, 200, 200],
    ),
    (
        "attachment_remove",
        "post",
        lambda w: [w["draft"].pk, w["draft_file"].pk],
        [LOGIN, 404, 404, 302, 302, 302],
    ),
    ("answer", "get", lambda w: [w["public"].pk], [LOGIN, 200, 200, 404, 404, 404]),
    ("answer_shortlist", "post", lambda w: [w["answer"].pk], [LOGIN, 404, 404, 302, 302, 404]),
    ("answer_accept", "post", lambda w: [w["answer"].pk], [LOGIN, 404, 404, 302, 302, 404]),
    (
        "answer_decline",
        "post",
        lambda w: [w["answer"].pk],
        [LOGIN, 404, 404, 302, 302, 404],
        {"feedback": "Passt leider nicht zu unserem Zeitplan."},
    ),
    # Withdrawing asks first: GET shows the page, only its POST with "confirm" withdraws.
    ("answer_withdraw", "get", lambda w: [w["answer"].pk], [LOGIN, 404, 200, 404, 404, 404]),
    ("answer_withdraw", "post", lambda w: [w["answer"].pk], [LOGIN, 404, 302, 404, 404, 404]),
    (
        "answer_withdraw",
        "post",
        lambda w: [w["answer"].pk],
        [LOGIN, 404, 302, 404, 404, 404],
        {"confirm": "yes"},
    ),
    (
        "answer_attachment_add",
        "post",
        lambda w: [w["answer"].pk],
        [LOGIN, 404, 400, 404, 404, 404],
        _fake_pdf,
    ),
    (
        "conversation",
        "get",
        lambda w: [w["answer"].conversation.pk],
        [LOGIN, 404, 200, 200, 200, 200],
    ),
    # Introductions (issue 13): side A is the SME, side B the institute ("responder").
    ("introductions", "get", lambda w: [], [LOGIN, 200, 200, 200, 200, 200]),
    (
        "introduction_propose",
        "get",
        lambda w: [w["public"].pk, w["third_org"].pk],
        [LOGIN, 404, 404, 200, 200, 200],
    ),
    # Bad input answers 400 with the form kept; nothing is proposed.
    (
        "introduction_propose",
        "post",
        lambda w: [w["public"].pk, w["third_org"].pk],
        [LOGIN, 404, 404, 400, 400, 400],
        {"reason": "   "},
    ),
    (
        "introduction_accept",
        "get",
        lambda w: [w["introduction"].pk],
        [LOGIN, 404, 200, 200, 200, 404],
    ),
    (
        "introduction_accept",
        "post",
        lambda w: [w["introduction"].pk],
        [LOGIN, 404, 302, 302, 302, 404],
        {"confirm": "yes"},
    ),
    (
        "introduction_decline",
        "get",
        lambda w: [w["introduction"].pk],
        [LOGIN, 404, 200, 200, 200, 404],
    ),
    (
        "introduction_decline",
        "post",
        lambda w: [w["introduction"].pk],
        [LOGIN, 404, 302, 302, 302, 404],
        {"confirm": "yes"},
    ),
]

# More objects behind the same URLs: what hides a need, an answer or a file.
VISIBILITY = [
    ("detail", "get", lambda w: [w["members_only"].pk], [404, 200, 200, 200, 200, 200]),
    ("detail", "get", lambda w: [w["anonymous"].pk], [404, 200, 200, 200, 200, 200]),
    ("detail", "get", lambda w: [w["draft"].pk], [404, 404, 404, 200, 200, 200]),
    ("detail", "get", lambda w: [w["submitted"].pk], [404, 404, 404, 200, 200, 200]),
    ("edit", "get", lambda w: [w["submitted"].pk], [LOGIN, 404, 404, 200, 200, 200]),
    (
        "attachment",
        "get",
        lambda w: [w["draft"].pk, w["draft_file"].pk],
        [404, 404, 404, 200, 200, 200],
    ),
    (
        "attachment",
        "get",
        lambda w: [w["public"].pk, w["answer_file"].pk],
        [404, 404, 200, 200, 200, 200],
    ),
    # A file id under another need's URL is not found, whoever asks.
    (
        "attachment",
        "get",
        lambda w: [w["members_only"].pk, w["public_file"].pk],
        [404, 404, 404, 404, 404, 404],
    ),
    # Those who may see a draft are sent back to it with a note; the rest do not find it.
    ("answer", "get", lambda w: [w["draft"].pk], [LOGIN, 404, 404, 302, 302, 302]),
    ("answer", "get", lambda w: [w["anonymous"].pk], [LOGIN, 200, 200, 404, 404, 404]),
    # An organiser publishing a draft gets an error message, and the draft stays a draft.
    ("publish", "post", lambda w: [w["draft"].pk], [LOGIN, 404, 404, 404, 404, 302]),
    # An introduction's conversation: its two organisations, and organisers reading along.
    (
        "conversation",
        "get",
        lambda w: [w["introduced"].conversation.pk],
        [LOGIN, 404, 200, 200, 200, 200],
    ),
    # Nobody proposes an organisation to itself, nor for a closed need or a need not theirs.
    (
        "introduction_propose",
        "get",
        lambda w: [w["public"].pk, w["public"].organisation_id],
        [LOGIN, 404, 404, 404, 404, 404],
    ),
    (
        "introduction_propose",
        "get",
        lambda w: [w["anonymous"].pk, w["third_org"].pk],
        [LOGIN, 404, 404, 200, 200, 200],
    ),
]


def _file(need=None, answer=None, name="plan.pdf"):
    attachment = Attachment(
        need=need,
        answer=answer,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save(f"{name}", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


def _introduced(a, b, proposer):
    """An introduction both sides accepted, with its conversation."""
    now = timezone.now()
    introduction = Introduction.objects.create(
        organisation_a=a,
        organisation_b=b,
        reason="Gemeinsames Förderprojekt",
        proposed_by=proposer,
        status=Introduction.Status.ACCEPTED,
        a_accepted_at=now,
        b_accepted_at=now,
    )
    Conversation.objects.create(introduction=introduction)
    return introduction


@pytest.fixture
def world(sme, owner, colleague, institute, researcher, stranger, third_org, organiser_user):
    public = NeedFactory(
        organisation=sme, created_by=owner, contact_person=owner, title="Öffentlicher Bedarf"
    )
    answer = AnswerFactory(need=public, organisation=institute, created_by=researcher)
    MessageFactory(conversation=answer.conversation, author=researcher)
    draft = NeedFactory(organisation=sme, created_by=owner, draft=True, title="Entwurf")
    return {
        "public": public,
        "members_only": NeedFactory(
            organisation=sme, created_by=owner, members_only=True, title="Nur für Mitglieder"
        ),
        "anonymous": NeedFactory(
            organisation=sme, created_by=owner, anonymous=True, title="Anonymer Bedarf"
        ),
        "draft": draft,
        "submitted": NeedFactory(
            organisation=sme, created_by=owner, submitted=True, title="Eingereicht"
        ),
        "answer": answer,
        "third_org": third_org,
        "introduction": Introduction.objects.create(
            need=public,
            organisation_a=sme,
            organisation_b=institute,
            reason="Beide arbeiten an Schwarzmasse.",
            proposed_by=owner,
        ),
        "introduced": _introduced(sme, institute, owner),
        "public_file": _file(need=public),
        "draft_file": _file(need=draft, name="entwurf.pdf"),
        "answer_file": _file(answer=answer, name="angebot.pdf"),
        "users": {
            "visitor": None,
            "other": stranger,
            "responder": researcher,
            "member": colleague,
            "admin": owner,
            "organiser": organiser_user,
        },
    }


@pytest.mark.parametrize(MATRIX_ARGS, cases(MATRIX, ROLES))
def test_permission_matrix(client, world, name, method, args, role, expected, data):
    check(client, world, "research_needs", name, method, args, role, expected, data)


@pytest.mark.parametrize(MATRIX_ARGS, cases(VISIBILITY, ROLES, "hidden-"))
def test_hidden_objects(client, world, name, method, args, role, expected, data):
    check(client, world, "research_needs", name, method, args, role, expected, data)


def test_permission_matrix_covers_every_needs_url():
    from research_needs.urls import urlpatterns

    assert url_names(urlpatterns) == {row[0] for row in MATRIX}


# --- refused actions change nothing ---------------------------------------------------------


@pytest.mark.parametrize("role", ["visitor", "other", "responder", "member", "admin"])
def test_refused_moderation_changes_nothing(client, world, role):
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    submitted = world["submitted"]

    client.post(reverse("research_needs:publish", args=[submitted.pk]))
    client.post(reverse("research_needs:reject", args=[submitted.pk]), {"comment": "Nein."})

    submitted.refresh_from_db()
    assert submitted.status == Need.Status.SUBMITTED and submitted.published_at is None


def test_publishing_a_draft_leaves_it_a_draft(client, world):
    client.force_login(world["users"]["organiser"])

    client.post(reverse("research_needs:publish", args=[world["draft"].pk]))

    world["draft"].refresh_from_db()
    assert world["draft"].status == Need.Status.DRAFT


@pytest.mark.parametrize("role", ["other", "responder", "organiser"])
def test_refused_answer_decisions_change_nothing(client, world, role):
    client.force_login(world["users"][role])
    answer = world["answer"]

    client.post(reverse("research_needs:answer_accept", args=[answer.pk]))
    client.post(reverse("research_needs:answer_decline", args=[answer.pk]), {"feedback": "Nein"})

    answer.refresh_from_db()
    assert answer.status == Answer.Status.SUBMITTED


def test_stranger_cannot_close_or_withdraw(client, world):
    client.force_login(world["users"]["other"])

    client.post(reverse("research_needs:close", args=[world["public"].pk]), {"reason": "withdrawn"})
    client.post(
        reverse("research_needs:answer_withdraw", args=[world["answer"].pk]), {"confirm": "yes"}
    )

    world["public"].refresh_from_db()
    world["answer"].refresh_from_db()
    assert world["public"].status == Need.Status.PUBLISHED
    assert world["answer"].status == Answer.Status.SUBMITTED


# --- what a page reveals ------------------------------------------------------------------


def test_anonymous_need_hides_its_organisation_from_other_members(client, world, sme):
    client.force_login(world["users"]["other"])

    detail = client.get(reverse("research_needs:detail", args=[world["anonymous"].pk]))
    listing = client.get(reverse("research_needs:list"))

    assert world["anonymous"].title in detail.content.decode()
    assert sme.name not in detail.content.decode()
    # The list names the public needs' owner, but never next to the anonymous need.
    assert world["anonymous"].title in listing.content.decode()


def test_anonymous_need_shows_its_organisation_to_organisers_and_owners(client, world, sme):
    for role in ("organiser", "member"):
        client.force_login(world["users"][role])
        detail = client.get(reverse("research_needs:detail", args=[world["anonymous"].pk]))
        assert sme.name in detail.content.decode(), role


def test_visitor_sees_title_and_summary_but_not_the_description(client, world):
    need = world["public"]

    body = client.get(reverse("research_needs:detail", args=[need.pk])).content.decode()

    assert need.title in body and need.summary in body
    assert need.description not in body
    assert "plan.pdf" not in body


def test_members_see_the_description_and_files(client, world):
    need = world["public"]
    client.force_login(world["users"]["other"])

    body = client.get(reverse("research_needs:detail", args=[need.pk])).content.decode()

    assert need.description in body and "plan.pdf" in body


def test_visitor_list_never_shows_hidden_needs(client, world):
    body = client.get(reverse("research_needs:list")).content.decode()

    assert world["public"].title in body
    for hidden in ("members_only", "anonymous", "draft", "submitted"):
        assert world[hidden].title not in body, hidden


def test_attachment_download_is_a_file_with_a_safe_name(client, world):
    client.force_login(world["users"]["other"])

    response = client.get(
        reverse("research_needs:attachment", args=[world["public"].pk, world["public_file"].pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "plan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

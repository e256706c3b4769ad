"""Data export and account deletion for research needs (PRODUCT.md 3.5)."""

import pytest

from forum.privacy.registry import erase_user, export_user_data
from research_needs import services
from research_needs.models import Answer, Attachment, Message, Need
from tests.factories import AnswerFactory, MembershipFactory, MessageFactory, NeedFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def test_export_holds_needs_answers_and_messages(owner, researcher, sme, institute):
    need = NeedFactory(organisation=sme, created_by=owner, title="Mein Bedarf")
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    MessageFactory(
        conversation=answer.conversation,
        author=owner,
        author_organisation=sme,
        body="Hallo Forschung",
    )

    data = export_user_data(owner)["research_needs"]
    other = export_user_data(researcher)["research_needs"]

    assert [n["title"] for n in data["needs"]] == ["Mein Bedarf"]
    assert data["needs"][0]["you_wrote_it"] is True
    assert [m["body"] for m in data["messages"]] == ["Hallo Forschung"]
    assert [a["approach"] for a in other["answers"]] == [answer.approach]
    assert other["needs"] == []


def test_erase_keeps_content_for_the_organisations(owner, researcher, sme, institute):
    from django.core.files.uploadedfile import SimpleUploadedFile

    MembershipFactory(organisation=sme, role="admin")  # so the owner is not the sole admin
    need = NeedFactory(organisation=sme, created_by=owner, contact_person=owner)
    services.attachment_add(
        actor=owner, need=need, upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    )
    answer = AnswerFactory(need=need, organisation=institute, created_by=researcher)
    MessageFactory(
        conversation=answer.conversation, author=owner, author_organisation=sme, body="Bleibt"
    )

    erase_user(owner)

    need.refresh_from_db()
    assert (need.created_by, need.contact_person) == (None, None)
    message = Message.objects.get()
    assert (message.author, message.author_organisation, message.body) == (None, sme, "Bleibt")
    assert Attachment.objects.get().uploaded_by is None
    assert Answer.objects.get().created_by == researcher
    assert Need.objects.count() == 1


def test_erase_responder_keeps_the_answer(researcher, sme, institute):
    MembershipFactory(organisation=institute, role="admin")
    answer = AnswerFactory(
        need=NeedFactory(organisation=sme), organisation=institute, created_by=researcher
    )

    erase_user(researcher)

    answer.refresh_from_db()
    assert answer.created_by is None
    assert answer.organisation == institute

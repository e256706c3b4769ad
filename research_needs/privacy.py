"""The research needs' part of the data export and of account deletion (PRODUCT.md 3.5).

Registered from ``ResearchNeedsConfig.ready()`` through ``register_privacy()``.

What erasure does, and why:

- Needs and answers belong to the organisation that posted them, not to the person who
  typed them: they stay, with ``created_by`` / ``contact_person`` emptied. Who speaks for
  a need afterwards falls back to the organisation's admins (notifications.need_owners).
- Messages stay for the other side of the conversation, which relies on them (3.5:
  "shown as from a deleted user"): the author is emptied, the organisation stays.
- Attachments the user uploaded stay with their need or answer; ``uploaded_by`` is emptied.

All of these foreign keys are ``SET_NULL``, so the database would do the same on deleting
the user; the eraser does it explicitly first, so the rule is written down and tested here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from forum.privacy import registry

from .models import Answer, Attachment, Message, Need

SECTION = "research_needs"


def export_needs(user) -> dict:
    """Needs the user wrote or is the contact for, answers they wrote, messages they sent,
    files they uploaded."""
    needs = (
        (Need.objects.filter(created_by=user) | Need.objects.filter(contact_person=user))
        .select_related("organisation")
        .distinct()
        .order_by("created_at", "pk")
    )
    return {
        "needs": [
            {
                "id": need.pk,
                "organisation": need.organisation.name,
                "title": need.title,
                "summary": need.summary,
                "description": need.description,
                "keywords": need.keywords,
                "status": need.status,
                "visibility": need.visibility,
                "deadline": need.deadline,
                "created_at": need.created_at,
                "you_wrote_it": need.created_by_id == user.pk,
                "you_are_contact_person": need.contact_person_id == user.pk,
            }
            for need in needs
        ],
        "answers": [
            {
                "id": answer.pk,
                "need": answer.need.title,
                "organisation": answer.organisation.name,
                "approach": answer.approach,
                "competences": answer.competences,
                "references": answer.references,
                "cooperation_type": answer.cooperation_type,
                "timeframe": answer.timeframe,
                "status": answer.status,
                "created_at": answer.created_at,
            }
            for answer in Answer.objects.filter(created_by=user)
            .select_related("need", "organisation")
            .order_by("created_at", "pk")
        ],
        "messages": [
            {
                "conversation": message.conversation_id,
                # An introduction's conversation (issue 13) belongs to no answer.
                "need": (
                    message.conversation.answer.need.title if message.conversation.answer_id else ""
                ),
                "body": message.body,
                "sent_at": message.created_at,
            }
            for message in Message.objects.filter(author=user)
            .select_related("conversation__answer__need")
            .order_by("created_at", "pk")
        ],
        "files_uploaded": [
            {"name": attachment.original_name, "size": attachment.size, "at": attachment.created_at}
            for attachment in Attachment.objects.filter(uploaded_by=user).order_by("created_at")
        ],
    }


def erase_needs(user) -> None:
    """De-personalises what the organisations and the other side rely on; deletes nothing."""
    Need.objects.filter(created_by=user).update(created_by=None)
    Need.objects.filter(contact_person=user).update(contact_person=None)
    Answer.objects.filter(created_by=user).update(created_by=None)
    Message.objects.filter(author=user).update(author=None)
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)


def register_privacy() -> None:
    registry.register(
        SECTION,
        export=export_needs,
        erase=erase_needs,
        label=_("Research needs"),
        description=_(
            "Research needs you wrote or are the contact person for, answers you wrote, "
            "messages you sent and files you uploaded. On deletion they stay with your "
            "organisation and the other side, shown as from a deleted user."
        ),
    )

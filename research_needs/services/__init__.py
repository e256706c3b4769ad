"""Every state change of research needs (PRODUCT.md 3.2).

Each service takes keyword-only arguments with an explicit ``actor``, runs in one
transaction holding a row lock on the object it changes, calls ``full_clean()`` before
saving and raises ``ValidationError`` or ``PermissionDenied`` with a translated message, so
views, admin actions and the task share one set of rules. Notifications are recorded inside
the transaction (the outbox of forum/notifications), so a rolled-back change sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from forum import locking
from members.models import Organisation, Topic
from members.notifications import notify_answer_withdrawn
from members.permissions import is_member_of, is_organiser, membership_of, organisation_can_act

from .. import notifications, permissions
from ..files import atomic_with_files, store_attachment
from ..models import (
    MAX_ATTACHMENTS,
    REMINDER_DAYS,
    Answer,
    Attachment,
    Conversation,
    Message,
    Need,
)
from ..validation import apply_need_fields, check_contact, check_topics

#: Why a member of an organisation not (or no longer) approved cannot act (issue 11).
NOT_APPROVED = gettext_noop(
    "Your organisation is waiting for an organiser's approval. "
    "Until then it cannot post research needs or answer them."
)
ANSWER_FIELDS = ("approach", "competences", "references", "cooperation_type", "timeframe")


# --- Needs ----------------------------------------------------------------------------------


def need_create(
    *,
    actor,
    topics: Iterable[Topic],
    organisation: Organisation | None = None,
    contact_person=None,
    files=(),
    submit: bool = False,
    **fields,
) -> Need:
    """A new draft with its files (attachment_add), handed to the organisers at once with
    ``submit`` (need_submit). Members post for their own organisation; organisers for any
    one. All or nothing: a refused file or submission leaves no need and no file behind."""
    membership = membership_of(actor)
    if organisation is None:
        if membership is None:
            raise PermissionDenied(_("Only members of an organisation can post research needs."))
        organisation = membership.organisation
    elif not is_organiser(actor) and (
        membership is None or membership.organisation_id != organisation.pk
    ):
        raise PermissionDenied(_("You can only post research needs for your own organisation."))
    if not organisation_can_act(organisation):
        raise PermissionDenied(_(NOT_APPROVED))
    with atomic_with_files() as stored:
        need = Need(
            organisation=organisation,
            created_by=actor,
            contact_person=contact_person or (actor if membership else None),
            status=Need.Status.DRAFT,
        )
        apply_need_fields(need, fields)
        topics = check_topics(topics)
        check_contact(organisation, need.contact_person)
        need.full_clean()
        need.save()
        need.topics.set(topics)
        _attach(stored, actor, files, need=need)
        return need_submit(actor=actor, need=need) if submit else need


def need_update(
    *,
    actor,
    need: Need,
    topics: Iterable[Topic] | None = None,
    contact_person=...,
    files=(),
    submit: bool = False,
    **fields,
) -> Need:
    """Changes a draft or a submitted need (which stays submitted, in its place in the
    moderation queue; see permissions.can_edit_need), adds ``files`` and, with ``submit``,
    submits a draft. All or nothing, as need_create."""
    with atomic_with_files() as stored:
        need = locking.lock_one(Need, need.pk)
        if not permissions.can_edit_need(actor, need):
            if permissions.can_manage_need(actor, need):
                raise ValidationError(_("Only needs not yet published can be changed."))
            raise PermissionDenied(_("You cannot change this research need."))
        apply_need_fields(need, fields)
        if contact_person is not ...:
            check_contact(need.organisation, contact_person)
            need.contact_person = contact_person
        if topics is not None:
            topics = check_topics(topics)
        need.full_clean()
        need.save()
        if topics is not None:
            need.topics.set(topics)
        _attach(stored, actor, files, need=need)
        return need_submit(actor=actor, need=need) if submit else need


def need_submit(*, actor, need: Need) -> Need:
    """Hands a draft to the organisers for moderation."""
    with transaction.atomic():
        need = locking.lock_one(Need, need.pk)
        if not permissions.can_manage_need(actor, need):
            raise PermissionDenied(_("You cannot submit this research need."))
        if need.status != Need.Status.DRAFT:
            raise ValidationError(_("Only drafts can be submitted."))
        if not organisation_can_act(need.organisation):
            raise ValidationError(_(NOT_APPROVED))
        if not need.topics.exists():
            raise ValidationError({"topics": _("Choose between one and five topics.")})
        need.status = Need.Status.SUBMITTED
        need.submitted_at = timezone.now()
        need.full_clean()
        need.save()
        notifications.need_submitted(need)
        return need


def _moderated(actor, need: Need) -> Need:
    if not permissions.can_moderate(actor):
        raise PermissionDenied(_("Only organisers moderate research needs."))
    need = locking.lock_one(Need, need.pk)
    if need.status != Need.Status.SUBMITTED:
        raise ValidationError(_("Only submitted research needs can be moderated."))
    return need


def _required_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Please tell the organisation why.")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("At most 2,000 characters.")})
    return comment


def need_publish(*, actor, need: Need) -> Need:
    """Opens a submitted need for answers. A deadline that has passed meanwhile, or lies
    more than 12 months after publication, must be corrected by the owner first."""
    with transaction.atomic():
        need = _moderated(actor, need)
        now = timezone.now()
        need.status = Need.Status.PUBLISHED
        need.published_at = now
        need.moderation_comment = ""
        if need.deadline <= timezone.localdate() or need.deadline > need.latest_extension_deadline:
            raise ValidationError(
                _(
                    "The answer deadline has to lie between tomorrow and 12 months from now; "
                    "request changes so the organisation can correct it."
                )
            )
        need.full_clean()
        need.save()
        notifications.need_published(need)
        return need


def need_request_changes(*, actor, need: Need, comment: str) -> Need:
    """Sends a submitted need back to draft with the moderator's comment."""
    comment = _required_comment(comment)
    with transaction.atomic():
        need = _moderated(actor, need)
        need.status = Need.Status.DRAFT
        need.moderation_comment = comment
        need.submitted_at = None
        need.save()
        notifications.need_changes_requested(need, comment)
        return need


def need_reject(*, actor, need: Need, comment: str) -> Need:
    """Closes a submitted need for good; it was never published, so only its own
    organisation and organisers ever see it."""
    comment = _required_comment(comment)
    with transaction.atomic():
        need = _moderated(actor, need)
        need.status = Need.Status.CLOSED
        need.close_reason = Need.CloseReason.REJECTED
        need.closed_at = timezone.now()
        need.moderation_comment = comment
        need.save()
        notifications.need_rejected(need, comment)
        return need


OWNER_CLOSE_REASONS = (
    Need.CloseReason.COOPERATION,
    Need.CloseReason.WITHDRAWN,
    Need.CloseReason.NO_ANSWER,
)


def need_close(*, actor, need: Need, reason: str) -> Need:
    """Closes a need: a published one for any owner's reason, a draft or submitted one only
    as withdrawn. Open answers stay as they are and can still be read."""
    if reason not in OWNER_CLOSE_REASONS:
        raise ValidationError({"reason": _("Choose a reason for closing.")})
    with transaction.atomic():
        need = locking.lock_one(Need, need.pk)
        if not permissions.can_manage_need(actor, need):
            raise PermissionDenied(_("You cannot close this research need."))
        if not permissions.can_close_need(actor, need):
            raise ValidationError(_("This research need is already closed."))
        if need.status != Need.Status.PUBLISHED and reason != Need.CloseReason.WITHDRAWN:
            raise ValidationError(
                {"reason": _("A need that was never published can only be withdrawn.")}
            )
        need.status = Need.Status.CLOSED
        need.close_reason = reason
        need.closed_at = timezone.now()
        need.save()
        return need


def need_extend(*, actor, need: Need, deadline: date) -> Need:
    """The one extension of a published need: a later deadline, at most 12 months after
    publication. The 14-day reminder comes again for the new deadline."""
    with transaction.atomic():
        need = locking.lock_one(Need, need.pk)
        if not permissions.can_manage_need(actor, need):
            raise PermissionDenied(_("You cannot extend this research need."))
        if need.status != Need.Status.PUBLISHED:
            raise ValidationError(_("Only published research needs can be extended."))
        if need.extended_at is not None:
            raise ValidationError(_("The deadline has already been extended once."))
        if deadline is None or deadline <= need.deadline:
            raise ValidationError({"deadline": _("Choose a date after the current deadline.")})
        latest = need.latest_extension_deadline
        if deadline > latest:
            raise ValidationError(
                {
                    "deadline": _(
                        "The deadline can be at most 12 months after publication, i.e. %(date)s."
                    )
                    % {"date": latest.strftime("%d.%m.%Y")}
                }
            )
        need.deadline = deadline
        need.extended_at = timezone.now()
        need.reminder_sent_at = None
        need.save()
        return need


def expire_due_needs(today: date | None = None) -> tuple[int, int]:
    """The daily run: closes published needs whose deadline has passed (reason expired) and
    reminds the owners of needs whose deadline is at most 14 days away, once per deadline.
    Returns (expired, reminded)."""
    today = today or timezone.localdate()
    due = Need.objects.filter(status=Need.Status.PUBLISHED, deadline__lt=today)
    soon = Need.objects.filter(
        status=Need.Status.PUBLISHED,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMINDER_DAYS),
        reminder_sent_at__isnull=True,
    )
    return _one_by_one(due, _expire), _one_by_one(soon, _remind)


def _one_by_one(needs, change) -> int:
    """Calls ``change`` on each of ``needs`` in a transaction of its own, so one failure does
    not stop the rest, under the need's row lock and only if it still matches (it may have
    been closed or extended since the list was read). Returns how many were changed."""
    changed = 0
    for pk in needs.values_list("pk", flat=True):
        with transaction.atomic():
            need = locking.lock_one_or_none(needs.select_related("organisation"), pk)
            if need is not None:
                change(need)
                changed += 1
    return changed


def _expire(need: Need) -> None:
    need.status = Need.Status.CLOSED
    need.close_reason = Need.CloseReason.EXPIRED
    need.closed_at = timezone.now()
    need.save()
    notifications.need_expired(need)


def _remind(need: Need) -> None:
    need.reminder_sent_at = timezone.now()
    need.save(update_fields=["reminder_sent_at", "updated_at"])
    notifications.need_expiry_reminder(need)


# --- Answers --------------------------------------------------------------------------------


def answer_create(*, actor, need: Need, files=(), **fields) -> Answer:
    """An answer of the actor's organisation to a published need, with its files; opens its
    conversation. All or nothing, as need_create.

    One active answer per organisation (a unique constraint; the need's row lock orders
    parallel requests). The same answer sent twice by one person returns the first, its
    files attached once."""
    unknown = set(fields) - set(ANSWER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown answer fields: {sorted(unknown)}")
    membership = membership_of(actor)
    with atomic_with_files() as stored:
        need = locking.lock_one(Need, need.pk)
        if membership is None or membership.organisation_id == need.organisation_id:
            raise PermissionDenied(
                _("Only members of another organisation can answer this research need.")
            )
        if not organisation_can_act(membership.organisation):
            raise PermissionDenied(_(NOT_APPROVED))
        if need.status != Need.Status.PUBLISHED:
            raise ValidationError(_("This research need is not open for answers."))
        active = Answer.objects.filter(
            need=need, organisation=membership.organisation, status__in=Answer.ACTIVE
        ).first()
        if (
            active is not None
            and active.created_by_id == actor.pk
            and active.approach == (fields.get("approach") or "").strip()
        ):
            return active  # the same form sent twice: one answer
        if active is not None:
            raise ValidationError(_("Your organisation has already answered this need."))
        answer = Answer(
            need=need,
            organisation=membership.organisation,
            created_by=actor,
            **{
                name: value.strip() if isinstance(value, str) else value
                for name, value in fields.items()
            },
        )
        answer.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError as exc:  # a parallel answer of a colleague won the race
            raise ValidationError(_("Your organisation has already answered this need.")) from exc
        answer.conversation = Conversation.objects.create(answer=answer)
        _attach(stored, actor, files, answer=answer)
        notifications.answer_received(answer)
        return answer


def _decided(actor, answer: Answer, may) -> Answer:
    """The answer, locked, if ``may`` (a permissions predicate) allows the decision now."""
    # The need too, so a decision and the need's closing (need_close, the expiry) wait for
    # each other; and the answering organisation, so a decision and that organisation's
    # deactivation (members.services, which withdraws its open answers) do.
    answer = locking.lock_one(
        Answer.objects.select_related("need", "organisation"),
        answer.pk,
        of=("self", "need", "organisation"),
    )
    if not permissions.can_decide_answers(actor, answer.need):
        raise PermissionDenied(_("Only the organisation that posted the need decides."))
    if not may(actor, answer):
        raise ValidationError(
            _("This answer is %(status)s and cannot be changed that way.")
            % {"status": answer.get_status_display()}
        )
    return answer


def answer_shortlist(*, actor, answer: Answer) -> Answer:
    with transaction.atomic():
        answer = _decided(actor, answer, permissions.can_shortlist_answer)
        answer.status = Answer.Status.SHORTLISTED
        answer.save()
        notifications.answer_shortlisted(answer)
        return answer


def answer_accept(*, actor, answer: Answer) -> Answer:
    """Accepting reveals both sides' contacts (and an anonymous need's poster) to this
    responder. Several answers of one need may be accepted."""
    with transaction.atomic():
        # What may be declined may be accepted, while the need is open (can_accept_answer).
        answer = _decided(actor, answer, permissions.can_decline_answer)
        if not permissions.can_accept_answer(actor, answer):
            raise ValidationError(_("Answers can only be accepted while the need is open."))
        answer.status = Answer.Status.ACCEPTED
        answer.decided_at = timezone.now()
        answer.save()
        notifications.answer_accepted(answer)
        return answer


def answer_decline(*, actor, answer: Answer, feedback: str) -> Answer:
    """Declining needs a short feedback the responder sees."""
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError(
            {"feedback": _("Please give the responder a short reason; they will see it.")}
        )
    with transaction.atomic():
        answer = _decided(actor, answer, permissions.can_decline_answer)
        answer.status = Answer.Status.DECLINED
        answer.feedback = feedback
        answer.decided_at = timezone.now()
        answer.full_clean(validate_constraints=False)
        answer.save()
        notifications.answer_declined(answer)
        return answer


def answer_withdraw(*, actor, answer: Answer) -> Answer:
    """The responder takes back an answer not yet decided; the organisation may answer again."""
    with transaction.atomic():
        answer = locking.lock_one(Answer, answer.pk)
        if not permissions.is_responder(actor, answer):
            raise PermissionDenied(_("Only the answering organisation can withdraw its answer."))
        if not permissions.can_withdraw_answer(actor, answer):
            raise ValidationError(_("Only answers not yet decided can be withdrawn."))
        answer.status = Answer.Status.WITHDRAWN
        answer.decided_at = timezone.now()
        answer.save()
        return answer


def organisation_answers_and_needs_withdraw(*, organisation: Organisation, actor) -> dict:
    """An organisation nobody speaks for any more (``members``' deactivation, inside its
    transaction): its open answers are withdrawn (the needs' owners are told) and its own
    open needs closed as withdrawn, since nobody is left to read answers to them. A member
    leaving withdraws as the responder; an organiser closing an organisation nobody belongs
    to any more ends the answers in its name."""
    acting_member = is_member_of(actor, organisation)
    answers = []
    for original in (
        Answer.objects.filter(
            organisation=organisation,
            status__in=(Answer.Status.SUBMITTED, Answer.Status.SHORTLISTED),
        )
        .select_related("need", "need__organisation")
        .order_by("pk")
    ):
        if acting_member:
            answer = answer_withdraw(actor=actor, answer=original)
        else:
            answer = locking.lock_one(Answer, original.pk)
            answer.status = Answer.Status.WITHDRAWN
            answer.decided_at = timezone.now()
            answer.save(update_fields=["status", "decided_at"])
        answer.need = original.need
        answers.append(answer)
        notify_answer_withdrawn(answer, recipients=notifications.need_owners(answer.need))
    needs = [
        need_close(actor=actor, need=need, reason=Need.CloseReason.WITHDRAWN)
        for need in Need.objects.filter(organisation=organisation)
        .exclude(status=Need.Status.CLOSED)
        .order_by("pk")
    ]
    return {"answers": answers, "needs": needs}


# --- Conversations --------------------------------------------------------------------------


def message_send(*, actor, conversation: Conversation, body: str) -> Message:
    """A message from one of the two organisations. A conversation of a withdrawn or
    declined answer stays readable but takes no new messages."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    with transaction.atomic():
        conversation = Conversation.objects.select_related(
            "answer",
            "answer__need",
            "answer__organisation",
            "answer__need__organisation",
            "introduction",
        ).get(pk=conversation.pk)
        if not permissions.can_write_in_conversation_at(actor, conversation):
            raise PermissionDenied(_("Only the two organisations write in this conversation."))
        if not permissions.can_send_message_at(actor, conversation):
            raise ValidationError(_("This conversation is closed."))
        message = Message(
            conversation=conversation,
            author=actor,
            author_organisation=membership_of(actor).organisation,
            body=body,
        )
        message.full_clean()
        message.save()
        if conversation.answer_id:
            notifications.message_received(message)
        else:
            notifications.introduction_message_received(message)
        return message


def conversation_mark_read(*, actor, conversation: Conversation) -> int:
    """Marks what the other organisation wrote as read for the actor's organisation.
    Organisers reading along change nothing."""
    membership = membership_of(actor)
    if membership is None or not permissions.can_write_in_conversation_at(actor, conversation):
        return 0
    return (
        conversation.messages.filter(read_at__isnull=True)
        .exclude(author_organisation=membership.organisation)
        .update(read_at=timezone.now())
    )


# --- Attachments ----------------------------------------------------------------------------


def attachment_add(*, actor, upload, need: Need | None = None, answer: Answer | None = None):
    """Stores a PDF, PNG or JPEG (checked by content, at most 10 MB: files.store_attachment)
    under a server-generated name; at most five per need and per answer."""
    if (need is None) == (answer is None):
        raise TypeError("Give exactly one of need and answer.")
    with transaction.atomic():
        if need is not None:
            need = locking.lock_one(Need, need.pk)
            if not permissions.can_manage_need(actor, need):
                raise PermissionDenied(_("You cannot add files to this research need."))
            if not permissions.can_attach_to_need(actor, need):
                raise ValidationError({"file": _("This research need is closed.")})
            existing = need.attachments.count()
        else:
            answer = locking.lock_one(Answer, answer.pk)
            if not permissions.is_responder(actor, answer):
                raise PermissionDenied(_("You cannot add files to this answer."))
            if not permissions.can_attach_to_answer(actor, answer):
                raise ValidationError({"file": _("This answer is closed.")})
            existing = answer.attachments.count()
        if existing >= MAX_ATTACHMENTS:
            raise ValidationError(
                {"file": _("At most %(max)d files can be attached.") % {"max": MAX_ATTACHMENTS}}
            )
        return store_attachment(upload, need=need, answer=answer, uploaded_by=actor)


def attachments_add(*, actor, files, need: Need | None = None, answer: Answer | None = None):
    """Several files at once (attachment_add), all or nothing."""
    with atomic_with_files() as stored:
        return _attach(stored, actor, files, need=need, answer=answer)


def _attach(stored: list, actor, uploads, **parent) -> list[Attachment]:
    """Adds each upload and notes its stored file at once, for atomic_with_files."""
    attachments = []
    for upload in uploads:
        attachments.append(attachment_add(actor=actor, upload=upload, **parent))
        stored.append((attachments[-1].file.storage, attachments[-1].file.name))
    return attachments


def attachment_remove(*, actor, attachment: Attachment) -> None:
    """Deletes the file and its row; the need's owners or the answering organisation."""
    with transaction.atomic():
        attachment = Attachment.objects.select_related("need", "answer").get(pk=attachment.pk)
        if attachment.need_id:
            allowed = permissions.can_manage_need(actor, attachment.need)
        else:
            allowed = permissions.is_responder(actor, attachment.answer)
        if not allowed:
            raise PermissionDenied(_("You cannot remove this file."))
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


# Introductions: a module of their own, every name re-exported here.
from .introductions import (  # noqa: E402, F401
    introduction_accept,
    introduction_decline,
    introduction_propose,
)

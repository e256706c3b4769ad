"""Who may see or change what in research needs (PRODUCT.md 4).

"Member" means a logged-in user with a membership in some organisation; a logged-in user
without one sees what a visitor sees. Views turn a False into a 404, so hidden objects do
not leak. Closed needs stay visible like published ones (marked closed, no new answers).
"""

from __future__ import annotations

from members.permissions import is_organiser, membership_of, organisation_can_act

from .models import Answer, Need


def organisation_of(user):
    membership = membership_of(user)
    return membership.organisation if membership else None


def is_member(user) -> bool:
    return membership_of(user) is not None


def can_act(user) -> bool:
    """The user's organisation is approved (members.permissions.organisation_can_act): only
    then do its members post needs and answer."""
    membership = membership_of(user)
    return membership is not None and organisation_can_act(membership.organisation)


def is_owner(user, need: Need) -> bool:
    """Any member of the organisation that posted the need."""
    membership = membership_of(user)
    return bool(membership and membership.organisation_id == need.organisation_id)


def can_see_need(user, need: Need) -> bool:
    """Title and summary at least. Drafts and submitted needs only for their organisation and
    organisers (a need closed before publication stays so); members-only and anonymous needs only for members."""
    if is_organiser(user) or is_owner(user, need):
        return True
    if not need.was_published:
        return False
    return need.visibility == Need.Visibility.PUBLIC or is_member(user)


def can_see_full_need(user, need: Need) -> bool:
    """Description, details and attachments: members (any organisation) once published."""
    if is_organiser(user) or is_owner(user, need):
        return True
    return need.was_published and is_member(user)


def can_see_poster(user, need: Need, *, accepted_org_ids=None) -> bool:
    """Who posted an anonymous need: its own organisation, organisers, and an organisation
    whose answer the poster accepted. ``accepted_org_ids`` saves a query when known."""
    if not need.is_anonymous:
        return can_see_need(user, need)
    if is_organiser(user) or is_owner(user, need):
        return True
    organisation = organisation_of(user)
    if organisation is None:
        return False
    if accepted_org_ids is None:
        return need.answers.filter(
            organisation=organisation, status=Answer.Status.ACCEPTED
        ).exists()
    return organisation.pk in accepted_org_ids


def can_create_need(user) -> bool:
    """Members of an approved organisation (members.permissions.organisation_can_act), and
    organisers, who post for any approved organisation."""
    return can_act(user) or is_organiser(user)


def can_edit_need(user, need: Need) -> bool:
    """Drafts, and submitted needs until an organiser publishes them (a need sent back by a
    moderator is a draft again): a typo found after submitting should not need a phone
    call. Editing a submitted need keeps it submitted; moderators review the current text."""
    return need.status in (Need.Status.DRAFT, Need.Status.SUBMITTED) and (
        is_owner(user, need) or is_organiser(user)
    )


def can_manage_need(user, need: Need) -> bool:
    """Submit, close, extend, attach files, decide on answers: the owning organisation."""
    return is_owner(user, need) or is_organiser(user)


def can_decide_answers(user, need: Need) -> bool:
    return is_owner(user, need)


def can_moderate(user) -> bool:
    return is_organiser(user)


def can_answer(user, need: Need) -> bool:
    """A member of another organisation, while the need is open. Organisers answer only
    through an organisation they belong to."""
    membership = membership_of(user)
    if membership is None or membership.organisation_id == need.organisation_id:
        return False
    if not organisation_can_act(membership.organisation):
        return False
    return need.status == Need.Status.PUBLISHED


def is_responder(user, answer: Answer) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.organisation_id == answer.organisation_id)


def can_see_answer(user, answer: Answer) -> bool:
    """The answering organisation, the need's organisation and organisers."""
    return is_organiser(user) or is_responder(user, answer) or is_owner(user, answer.need)


def can_read_conversation(user, answer: Answer) -> bool:
    return can_see_answer(user, answer)


def can_write_in_conversation(user, answer: Answer) -> bool:
    """Only the two organisations write; organisers read along."""
    return is_responder(user, answer) or is_owner(user, answer.need)


def can_withdraw_answer(user, answer: Answer) -> bool:
    return is_responder(user, answer) and answer.status in (
        Answer.Status.SUBMITTED,
        Answer.Status.SHORTLISTED,
    )


def can_download(user, attachment) -> bool:
    if attachment.need_id:
        return can_see_full_need(user, attachment.need)
    return can_see_answer(user, attachment.answer)

"""Who may see or change what in research needs (PRODUCT.md 4).

"Member" means a logged-in user with a membership in some organisation; a logged-in user
without one sees what a visitor sees. Views turn a False into a 404, so hidden objects do
not leak. Closed needs stay visible like published ones (marked closed, no new answers).

Each rule lives here once and everything asks it: views, services (which refuse with
PermissionDenied or a ValidationError), selectors, notifications, and templates through
the filters of ``templatetags/needs_permissions.py``. A rule that lists must apply as well
is written as a query condition (:func:`poster_shown`); which needs a user may see at all
is the filter of ``selectors.visible_needs``.
"""

from __future__ import annotations

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from members.models import Organisation
from members.permissions import is_organiser, membership_of, organisation_can_act

from .models import Answer, Conversation, Introduction, Need


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


def can_see_full_need(user, need: Need) -> bool:
    """Description, details and attachments: members (any organisation) once published."""
    if is_organiser(user) or is_owner(user, need):
        return True
    return need.was_published and is_member(user)


def poster_shown(viewer, path: str = ""):
    """Who may know who posted a need (PRODUCT.md 3.2 and 4), the one home of this rule, as
    a condition on needs for a query: everyone who sees a need that is not anonymous; for
    an anonymous one its own organisation, organisers, and an organisation whose answer
    the poster accepted.

    ``viewer`` is a user, or an organisation when all its members are told at once (a
    notification). ``path`` leads from the queried model to the need (``"need__"`` from
    answers). The selectors annotate their needs with it as ``poster_revealed``;
    :func:`can_see_poster` asks it about one need."""
    if isinstance(viewer, Organisation):
        organisation = viewer
    elif is_organiser(viewer):
        return Value(True, output_field=BooleanField())
    else:
        organisation = organisation_of(viewer)
    shown = ~Q(**{f"{path}visibility": Need.Visibility.ANONYMOUS})
    if organisation is None:
        return shown
    accepted = Answer.objects.filter(
        need=OuterRef(f"{path}pk"), organisation=organisation, status=Answer.Status.ACCEPTED
    )
    return shown | Q(**{f"{path}organisation": organisation}) | Exists(accepted)


def can_see_poster(viewer, need: Need) -> bool:
    """:func:`poster_shown` for one need at hand (one query); a need from the selectors
    carries the answer already as ``poster_revealed``."""
    return Need.objects.filter(pk=need.pk).filter(poster_shown(viewer)).exists()


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


def can_close_need(user, need: Need) -> bool:
    """Its managers, until it is closed (a need never published only as withdrawn)."""
    return can_manage_need(user, need) and need.status != Need.Status.CLOSED


def can_decide_answers(user, need: Need) -> bool:
    return is_owner(user, need)


def can_see_all_answers(user, need: Need) -> bool:
    """Every answer of a need: its organisation and organisers; anyone else sees only their
    own organisation's (selectors.answers_for_need)."""
    return is_owner(user, need) or is_organiser(user)


def is_undecided(answer: Answer) -> bool:
    """Submitted or shortlisted: still to be accepted or declined, or withdrawn."""
    return answer.status in (Answer.Status.SUBMITTED, Answer.Status.SHORTLISTED)


def can_shortlist_answer(user, answer: Answer) -> bool:
    return can_decide_answers(user, answer.need) and answer.status == Answer.Status.SUBMITTED


def can_decline_answer(user, answer: Answer) -> bool:
    return can_decide_answers(user, answer.need) and is_undecided(answer)


def can_accept_answer(user, answer: Answer) -> bool:
    """As declining, and only while the need is open."""
    return can_decline_answer(user, answer) and answer.need.status == Need.Status.PUBLISHED


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


def can_see_contacts(user, answer: Answer) -> bool:
    """Both sides' contact people, once the answer is accepted: those who see the answer."""
    return answer.status == Answer.Status.ACCEPTED and can_see_answer(user, answer)


def can_read_conversation(user, answer: Answer) -> bool:
    return can_see_answer(user, answer)


def can_write_in_conversation(user, answer: Answer) -> bool:
    """The two organisations, who write in it; organisers read along."""
    return is_responder(user, answer) or is_owner(user, answer.need)


def can_send_message(user, answer: Answer) -> bool:
    """Writing now: the conversation of a withdrawn or declined answer is closed."""
    return can_write_in_conversation(user, answer) and answer.status not in (
        Answer.Status.WITHDRAWN,
        Answer.Status.DECLINED,
    )


def can_withdraw_answer(user, answer: Answer) -> bool:
    return is_responder(user, answer) and is_undecided(answer)


def can_attach_to_need(user, need: Need) -> bool:
    """Adding (and removing, on its page) files: the need's managers until it is closed."""
    return can_manage_need(user, need) and need.status != Need.Status.CLOSED


def can_attach_to_answer(user, answer: Answer) -> bool:
    """Adding (and removing, on its page) files: the responder while the answer is active."""
    return is_responder(user, answer) and answer.is_active


def can_download(user, attachment) -> bool:
    if attachment.need_id:
        return can_see_full_need(user, attachment.need)
    return can_see_answer(user, attachment.answer)


# --- Introductions (issue 13, item 5) ------------------------------------------------------


def can_propose_introduction(user, need: Need) -> bool:
    """An organiser, or a member of the need's organisation, for a need not yet closed:
    those who see its partners that fit (can_manage_need)."""
    return can_manage_need(user, need) and need.status != Need.Status.CLOSED


def introduction_side(user, introduction: Introduction) -> str:
    """ "a" or "b" for a member of one of the two organisations, else ""."""
    membership = membership_of(user)
    return introduction.side_of(membership.organisation_id) if membership else ""


def can_see_introduction(user, introduction: Introduction) -> bool:
    """The two organisations, the proposer and organisers."""
    if is_organiser(user) or introduction_side(user, introduction):
        return True
    return bool(user.is_authenticated and introduction.proposed_by_id == user.pk)


def can_see_who_declined(user, introduction: Introduction) -> bool:
    """Declining stays private: the other side reads only that the introduction did not
    come about; the declining side, the proposer and organisers see who declined."""
    if is_organiser(user) or (user.is_authenticated and introduction.proposed_by_id == user.pk):
        return True
    side = introduction_side(user, introduction)
    return bool(side) and side == introduction.declined_by_side


def can_answer_introduction(user, introduction: Introduction) -> bool:
    """Accept or decline: a member of a side that has not accepted yet, while it is open."""
    side = introduction_side(user, introduction)
    return (
        bool(side)
        and introduction.status == Introduction.Status.PROPOSED
        and not introduction.accepted_by(side)
    )


def can_decline_introduction(user, introduction: Introduction) -> bool:
    """A side may still step back after accepting, until the other side accepts too."""
    side = introduction_side(user, introduction)
    return bool(side) and introduction.status == Introduction.Status.PROPOSED


def can_read_conversation_at(user, conversation: Conversation) -> bool:
    """Any conversation: an answer's (can_read_conversation) or an introduction's, which
    its two organisations and organisers read."""
    if conversation.answer_id:
        return can_read_conversation(user, conversation.answer)
    return is_organiser(user) or bool(introduction_side(user, conversation.introduction))


def can_write_in_conversation_at(user, conversation: Conversation) -> bool:
    """The two organisations (can_write_in_conversation for an answer's)."""
    if conversation.answer_id:
        return can_write_in_conversation(user, conversation.answer)
    return bool(introduction_side(user, conversation.introduction))


def can_send_message_at(user, conversation: Conversation) -> bool:
    """Writing now; an introduction's conversation never closes."""
    if conversation.answer_id:
        return can_send_message(user, conversation.answer)
    return can_write_in_conversation_at(user, conversation)

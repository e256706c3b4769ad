"""Notification kinds of research needs (owned by the notifications/tests helper).

Services call these functions inside their transaction; each one calls
forum.notifications.services.notify / notify_many. Stubs until filled in."""


def register_notifications():
    pass


def need_submitted(need):  # -> organisers
    pass


def need_published(need):  # -> owner, plus alerts to members with matching topics
    pass


def need_changes_requested(need, comment):  # -> owner
    pass


def need_rejected(need, comment):  # -> owner
    pass


def need_expiry_reminder(need):  # -> owner, 14 days before the deadline
    pass


def need_expired(need):  # -> owner
    pass


def answer_received(answer):  # -> owning organisation
    pass


def answer_shortlisted(answer):  # -> responder
    pass


def answer_accepted(answer):  # -> responder
    pass


def answer_declined(answer):  # -> responder, with the feedback
    pass


def message_received(message):  # -> the other side of the conversation
    pass

"""The member directory's list, and each logged-in user with their membership, kept in the
cache (issue 17).

The directory shows the same organisations to everyone, so its content (filter form,
count, cards, pages) is rendered once per language and query and kept until something it
shows changes: every save or delete of an organisation, membership (the member counts),
topic or competence profile, and every change of an organisation's topics, bumps the
``members`` generation (forum/generations.py), and the next request renders it afresh.

Each user's membership with its organisation (``membership_of``, asked on nearly every
logged-in request for the rights it decides) is kept the same way: one cache read instead
of a query, and any change of a membership or an organisation (its status included) is
seen on the next request, as the database would show it.

The logged-in user is read on every request (``members.auth_backends``); their row is kept
under a generation of their own (``user.<id>``), bumped by every save or delete of the user
and every change of their groups or permissions, and read in the same round trip as the
membership and the unread count. So a deactivation, a new password (the session's hash is
checked against the kept row) or a new role acts on the next request. Values about a user
live at most ``VIEWER_TIMEOUT``: a change made while the cache could not be reached (its
bump lost) is seen at the latest then.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from forum import generations

GENERATION = "members"
TIMEOUT = 5 * 60
VIEWER_TIMEOUT = 60

USER = "user"
MEMBERSHIP = "membership"


def user_generation(user_pk) -> str:
    return f"user.{user_pk}"


generations.viewer_value(USER, lambda user_pk: [user_generation(user_pk)])
generations.viewer_value(MEMBERSHIP, lambda _user_pk: [GENERATION])


def _keep(name: str, user_pk, stamp, value) -> None:
    # Read inside a transaction, the row may be one that is rolled back later, after its
    # save bumped the generation: kept, it would outlive the rollback. Only values read
    # outside any transaction (committed) are kept.
    if not connection.in_atomic_block:
        key = generations.viewer_key(name, user_pk)
        generations.store(key, stamp, (value,), VIEWER_TIMEOUT)  # a tuple: None is kept too


def user(user_pk, read: Callable):
    """The user ``user_pk`` (or None) from the cache, or ``read(user_pk)`` kept for the next
    request; the other values about them, read in the same round trip, go with the user
    object (``generations.lookup_viewer``)."""
    values = generations.read_viewer(user_pk)
    found, stamp = values.pop(USER)
    if found is not None:
        (value,) = found
    else:
        value = read(user_pk)
        _keep(USER, user_pk, stamp, value)
    if value is not None:
        generations.attach_viewer(value, values)
    return value


def membership(user, read: Callable):
    """The membership of ``user`` (or None) from the cache, or ``read(user.pk)`` kept for the
    next request."""
    found, stamp = generations.lookup_viewer(user, MEMBERSHIP)
    if found is not None:
        return found[0]
    value = read(user.pk)
    _keep(MEMBERSHIP, user.pk, stamp, value)
    return value


def forget_membership(user) -> None:
    generations.forget_viewer(user, MEMBERSHIP)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import CompetenceProfile, Membership, Organisation, Topic, User

    bump = generations.receiver(GENERATION)
    for model in (Organisation, Membership, Topic, CompetenceProfile):
        uid = f"members_generation_{model.__name__}"
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"{uid}_delete")
    m2m_changed.connect(
        bump,
        sender=Organisation.topics.through,
        weak=False,
        dispatch_uid="members_generation_topics",
    )
    post_save.connect(_user_changed, sender=User, dispatch_uid="members_user_generation")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="members_user_generation_delete")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            _rights_changed, sender=through, dispatch_uid=f"members_user_{through.__name__}"
        )


def _user_changed(sender, instance, **_kwargs) -> None:
    generations.bump(user_generation(instance.pk))


def _rights_changed(sender, instance, action, reverse, pk_set, **_kwargs) -> None:
    """A user's groups or permissions changed: from the user's side (``instance`` is the
    user) or from the group's (``pk_set`` holds the users; a clear is seen before it runs,
    while the group's users are still in the table)."""
    if not reverse:
        users = [instance.pk] if action.startswith("post_") else []
    elif action in {"post_add", "post_remove"}:
        users = sorted(pk_set or ())
    elif action == "pre_clear":
        users = list(instance.user_set.values_list("pk", flat=True))
    else:
        users = []
    for pk in users:
        generations.bump(user_generation(pk))

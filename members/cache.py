"""The member directory's list and each user's membership, kept in the cache (issue 17).

The directory shows the same organisations to everyone, so its content (filter form,
count, cards, pages) is rendered once per language and query and kept until something it
shows changes: every save or delete of an organisation, membership (the member counts),
topic or competence profile, and every change of an organisation's topics, bumps the
``members`` generation (forum/generations.py), and the next request renders it afresh.

Each user's membership with its organisation (``membership_of``, asked on nearly every
logged-in request for the rights it decides) is kept the same way: one cache read instead
of a query, and any change of a membership or an organisation (its status included) is
seen on the next request, as the database would show it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from forum import generations

GENERATION = "members"
TIMEOUT = 5 * 60


MEMBERSHIP = "membership"
generations.viewer_value(MEMBERSHIP, lambda _user_pk: [GENERATION])


def membership(user, read: Callable):
    """The membership of ``user`` (or None) from the cache, or ``read(user.pk)`` kept for the
    next request."""
    found, stamp = generations.lookup_viewer(user, MEMBERSHIP)
    if found is not None:
        return found[0]
    value = read(user.pk)
    # Read inside a transaction, the row may be one that is rolled back later, after its
    # save bumped the generation: kept, it would outlive the rollback. Only a membership
    # read outside any transaction (committed) is kept.
    if not connection.in_atomic_block:
        key = generations.viewer_key(MEMBERSHIP, user.pk)
        generations.store(key, stamp, (value,), TIMEOUT)  # a tuple: None is kept too
    return value


def forget_membership(user) -> None:
    generations.forget_viewer(user, MEMBERSHIP)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import CompetenceProfile, Membership, Organisation, Topic

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

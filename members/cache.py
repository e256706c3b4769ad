"""The member directory's list, kept in the cache (issue 17).

The directory shows the same organisations to everyone, so its content (filter form,
count, cards, pages) is rendered once per language and query and kept until something it
shows changes: every save or delete of an organisation, membership (the member counts),
topic or competence profile, and every change of an organisation's topics, bumps the
``members`` generation (forum/generations.py), and the next request renders it afresh.
"""

from __future__ import annotations

from forum import generations

GENERATION = "members"
TIMEOUT = 5 * 60


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

"""research_needs' signal receivers. Each only calls a service, queues a task or moves a
cache generation (CONVENTIONS: a signal calls a service or queues a task):

- a saved need or organisation queues the task that recomputes its stored row
  (research_needs.tasks), once the transaction commits; the task returns at once when
  the texts did not change, so a save that only changes the status costs one query;
- any change that can alter a ranking (needs, organisations, competence profiles, their
  topics) bumps the generation of the per-process indexes (matching.corpus);
- an organisation deactivated in ``members`` (members.signals) has its open answers and needs
  withdrawn, by a service, inside the sender's transaction.

A saved competence profile queues its organisation's task the same way (members cannot
import this app), in the service and in the admin's inline alike.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from members.signals import organisation_deactivated

from . import services
from .matching import corpus, queue

NEED_TEXT_FIELDS = frozenset({"title", "summary", "description", "keywords", "language"})
ORGANISATION_TEXT_FIELDS = frozenset({"description"})


def _touches(update_fields, fields) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


def queue_need_embedding(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or not _touches(update_fields, NEED_TEXT_FIELDS):
        return
    queue.need_changed(instance.pk)


def queue_organisation_embedding(
    sender, instance, created=False, update_fields=None, raw=False, **kwargs
):
    if raw or not _touches(update_fields, ORGANISATION_TEXT_FIELDS):
        return
    queue.organisation_changed(instance.pk)


def queue_profile_embedding(sender, instance, raw=False, **kwargs):
    if not raw:
        queue.organisation_changed(instance.organisation_id)


def connect_signals() -> None:
    from members.models import CompetenceProfile, Organisation

    from .models import Need

    post_save.connect(queue_need_embedding, sender=Need, dispatch_uid="matching_embed_need")
    post_save.connect(
        queue_organisation_embedding, sender=Organisation, dispatch_uid="matching_embed_org"
    )
    post_save.connect(
        queue_profile_embedding, sender=CompetenceProfile, dispatch_uid="matching_embed_profile"
    )
    for model in (Need, Organisation, CompetenceProfile):
        name = model.__name__
        post_save.connect(corpus.bump, sender=model, dispatch_uid=f"matching_bump_{name}")
        post_delete.connect(corpus.bump, sender=model, dispatch_uid=f"matching_bump_del_{name}")
    for through in (Need.topics.through, Organisation.topics.through):
        m2m_changed.connect(
            corpus.bump, sender=through, dispatch_uid=f"matching_bump_{through.__name__}"
        )


@receiver(organisation_deactivated, dispatch_uid="research_needs.organisation_deactivated")
def withdraw_answers_and_needs(sender, *, organisation, actor, **kwargs) -> dict:
    """An organisation nobody speaks for any more: its open answers are withdrawn (the needs'
    owners are told) and its own open needs closed as withdrawn, since nobody is left to
    read answers to them."""
    return services.organisation_answers_and_needs_withdraw(organisation=organisation, actor=actor)

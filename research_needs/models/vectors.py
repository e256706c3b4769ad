"""The rows the partner recommendations read (issue 13, research_needs.matching)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organisation


class NeedVector(models.Model):
    """What the partner recommendations (issue 13, research_needs.matching) read of a need,
    computed by the task ``research_needs.embed_need`` after its texts change: the
    sentence embedding of title and summary (384 float32, ``embeddings.to_bytes``), the
    stemmed content words with their counts (``text.stem_texts``) and a hash of the texts
    they were computed from, so an unchanged need is not embedded again.

    A plain ``bytea`` rather than pgvector's ``vector``: ranking loads the vectors into
    numpy (matching.corpus), so Debian's PostgreSQL 15 without pgvector and the embedded
    PostgreSQL 18 take the same path. A row whose ``model_version`` is not
    ``embeddings.MODEL_VERSION`` is outdated: it is left out of rankings until
    ``manage.py matching_refresh`` recomputes it.
    """

    need = models.OneToOneField(
        "research_needs.Need",
        verbose_name=_("research need"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="match_vector",
    )
    model_version = models.CharField(_("model version"), max_length=80)
    content_hash = models.CharField(_("content hash"), max_length=64)
    embedding = models.BinaryField(_("embedding"))
    word_counts = models.JSONField(_("stemmed word counts"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("need vector")
        verbose_name_plural = _("need vectors")

    def __str__(self):
        return f"{self.need_id} ({self.model_version})"


class OrganisationVector(models.Model):
    """The same as ``NeedVector`` for an organisation: computed from its short description
    and, when it has one, its competence profile (so an organisation is matched on its
    description until it fills in the profile), plus the profile's sentences and their
    embeddings, from which each recommendation quotes the one closest to the need
    (matching.reasons). Keyed by the organisation, not the profile, for that reason."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="match_vector",
    )
    model_version = models.CharField(_("model version"), max_length=80)
    content_hash = models.CharField(_("content hash"), max_length=64)
    embedding = models.BinaryField(_("embedding"))
    word_counts = models.JSONField(_("stemmed word counts"), default=dict)
    sentences = models.JSONField(_("sentences"), default=list)
    sentence_vectors = models.BinaryField(_("sentence embeddings"), default=bytes)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation vector")
        verbose_name_plural = _("organisation vectors")

    def __str__(self):
        return f"{self.organisation_id} ({self.model_version})"

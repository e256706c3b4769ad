"""Research needs, answers, conversations, messages and their attachments (PRODUCT.md 3.2)."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Shared with competence profiles (issue 13); re-exported here, where needs code looks.
from members.models import KEYWORD_MAX, MAX_KEYWORDS, CooperationType, Organisation, Topic

TITLE_MAX = 200
SUMMARY_MAX = 500
DESCRIPTION_MAX = 8000
APPROACH_MAX = 4000
MESSAGE_MAX = 4000
MAX_TOPICS = 5
MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_ANSWER_MONTHS = 6
MAX_ANSWER_MONTHS = 12
REMINDER_DAYS = 14


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        if day.day <= candidate:
            try:
                return date(year, month, min(day.day, candidate))
            except ValueError:
                continue
    return date(year, month, 28)


def default_deadline() -> date:
    return add_months(timezone.localdate(), DEFAULT_ANSWER_MONTHS)


class ChallengeType(models.TextChoices):
    NEW_TECHNOLOGY = "new_technology", _("New technology or process")
    LOGISTICS = "logistics", _("Logistics")
    INPUT_STREAMS = "input_streams", _("Fluctuating input streams")
    SKILLED_WORKERS = "skilled_workers", _("Skilled workers and qualification")
    ENERGY = "energy", _("Energy and decarbonisation")
    DIGITALISATION = "digitalisation", _("Digitalisation")
    REGULATION = "regulation", _("Regulation and certification")
    OTHER = "other", _("Other")


class KeywordsText(models.Func):
    """The keywords as one text, through an IMMUTABLE SQL function created by migration 0001
    (PostgreSQL's own array_to_string is only STABLE, which a generated column refuses)."""

    function = "research_needs_keywords_text"
    output_field = models.TextField()


class Need(models.Model):
    """A structured request from an organisation to research."""

    class BudgetBand(models.TextChoices):
        NOT_STATED = "not_stated", _("Not stated")
        NONE = "none", _("No budget")
        UNDER_10K = "under_10k", _("Under 10,000 EUR")
        FROM_10K = "10k_50k", _("10,000 to 50,000 EUR")
        FROM_50K = "50k_250k", _("50,000 to 250,000 EUR")
        OVER_250K = "over_250k", _("Over 250,000 EUR")

    class Language(models.TextChoices):
        DE = "de", _("German")
        EN = "en", _("English")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: everyone sees title and summary, members see all")
        MEMBERS = "members", _("Members only: only logged-in members see it")
        ANONYMOUS = "anonymous", _("Anonymous: members see it without your organisation's name")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation formed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        NO_ANSWER = "no_answer", _("No suitable answer")
        REJECTED = "rejected", _("Rejected by the moderators")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="needs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_created",
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_contact",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(
        _("summary"), max_length=SUMMARY_MAX, validators=[MaxLengthValidator(SUMMARY_MAX)]
    )
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
    )
    challenge_types = ArrayField(
        models.CharField(max_length=20, choices=ChallengeType.choices),
        verbose_name=_("challenge types"),
        default=list,
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="needs")
    # The topics' ids, kept by PostgreSQL itself (triggers on the topics table of migration
    # 0008, whatever adds or removes a topic), so that a search with a topic filter ANDs
    # two index bitmaps instead of joining the topics table row by row (P2, issue 17).
    topic_ids = ArrayField(
        models.IntegerField(), verbose_name=_("topic ids"), default=list, editable=False
    )
    keywords = ArrayField(
        models.CharField(max_length=KEYWORD_MAX),
        verbose_name=_("keywords"),
        default=list,
        blank=True,
        size=MAX_KEYWORDS,
    )
    trl_now = models.PositiveSmallIntegerField(
        _("readiness level now"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    trl_target = models.PositiveSmallIntegerField(
        _("readiness level aimed at"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    cooperation_types = ArrayField(
        models.CharField(max_length=20, choices=CooperationType.choices),
        verbose_name=_("cooperation types sought"),
        default=list,
    )
    partner_kinds = ArrayField(
        models.CharField(max_length=20, choices=Organisation.Kind.choices),
        verbose_name=_("partner kinds sought"),
        default=list,
        blank=True,
    )
    budget_band = models.CharField(
        _("budget"), max_length=12, choices=BudgetBand.choices, default=BudgetBand.NOT_STATED
    )
    public_funding = models.BooleanField(_("interested in public funding"), default=False)
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    deadline = models.DateField(_("answer deadline"), default=default_deadline)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DE
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=12, choices=CloseReason.choices, blank=True
    )
    moderation_comment = models.TextField(
        _("moderation comment"), max_length=2000, validators=[MaxLengthValidator(2000)], blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Kept current by PostgreSQL itself: title above summary and keywords above description
    # (3.2).
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", config="german", weight="A")
            + SearchVector("summary", KeywordsText("keywords"), config="german", weight="B")
            + SearchVector("description", config="german", weight="C")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # What the search ranks by: title above summary and keywords, without the long
    # description (which still makes a need found, through search_vector). Small enough to
    # stay in the row, so ranking thousands of hits of a common word reads no TOAST (P2).
    rank_vector = models.GeneratedField(
        expression=(
            SearchVector("title", config="german", weight="A")
            + SearchVector("summary", KeywordsText("keywords"), config="german", weight="B")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("research need")
        verbose_name_plural = _("research needs")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            GinIndex(fields=["search_vector"], name="research_needs_need_search"),
            # Most searches are over open needs: this index answers them alone, without
            # ANDing a bitmap of every published need from the status index (P2).
            GinIndex(
                fields=["search_vector"],
                name="research_needs_need_search_pub",
                condition=Q(status="published"),
            ),
            # The list's filters as index bitmaps, ANDed with the search's (P2, issue 17).
            # Not partial: an index limited to open needs, read whole, was the planner's
            # cheapest list of the open needs (15 ms at 100,000 needs).
            GinIndex(fields=["topic_ids"], name="research_needs_need_topic_ids"),
            GinIndex(fields=["cooperation_types"], name="research_needs_need_coop"),
            GinIndex(fields=["challenge_types"], name="research_needs_need_challenge"),
            models.Index(fields=["status", "-published_at"], name="research_needs_status_pub"),
            models.Index(fields=["status", "deadline"], name="research_needs_status_dl"),
            # The list's default order over open needs, newest first, as the selector sorts
            # (nulls last, then pk): the first page and a common word's newest hits come
            # from it without sorting the table (issue 17). After the order, the
            # organisation: a filter by the organisation's kind or state (``search_needs``
            # asks for their ids) is checked in the index, so a common word's walk reads
            # only those organisations' rows (PostgreSQL 17 and later; "Betrieb" in Lower
            # Saxony 18.6 -> 3.6 ms at 100,000 needs). It also carries every other column the
            # list's visibility and filters ask, so the list's count up to 1,001 is read from
            # the index alone: from the table, with a bitmap of every published need ANDed
            # into the filter's, it cost 6-9 ms at 100,000 needs, 1-3 ms at 10,000 (issue 17:
            # browsing must stay flat in the table size).
            models.Index(
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                F("organisation"),
                name="research_needs_open_newest",
                condition=Q(status="published"),
                include=[
                    "visibility",
                    "topic_ids",
                    "cooperation_types",
                    "challenge_types",
                    "trl_now",
                    "trl_target",
                ],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl_now__gte=1, trl_now__lte=9, trl_target__gte=1, trl_target__lte=9),
                name="research_needs_need_trl_range",
            ),
            models.CheckConstraint(
                condition=Q(trl_target__gte=models.F("trl_now")),
                name="research_needs_need_trl_target_not_below",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False) & ~Q(close_reason=""))
                | (~Q(status="closed") & Q(close_reason="")),
                name="research_needs_need_closed_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("research_needs:detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.trl_now and self.trl_target and self.trl_target < self.trl_now:
            errors["trl_target"] = _("The level aimed at cannot be below the level reached today.")
        if self.keywords and len(self.keywords) > MAX_KEYWORDS:
            errors["keywords"] = _("At most %(max)d keywords.") % {"max": MAX_KEYWORDS}
        if not self.challenge_types:
            errors["challenge_types"] = _("Choose at least one challenge type.")
        if not self.cooperation_types:
            errors["cooperation_types"] = _("Choose at least one kind of cooperation.")
        if self.deadline and self.status in (self.Status.DRAFT, self.Status.SUBMITTED):
            start = timezone.localdate()
            if self.deadline <= start:
                errors["deadline"] = _("The answer deadline must lie in the future.")
            elif self.deadline > add_months(start, MAX_ANSWER_MONTHS):
                errors["deadline"] = _("The answer deadline can be at most 12 months ahead.")
        if self.status == self.Status.CLOSED and not self.close_reason:
            errors["close_reason"] = _("Say why the need is closed.")
        if errors:
            raise ValidationError(errors)

    # --- cheap properties used by templates ---

    @property
    def is_anonymous(self) -> bool:
        return self.visibility == self.Visibility.ANONYMOUS

    @property
    def was_published(self) -> bool:
        """Published needs, and closed ones that had been published, are visible to others."""
        return self.published_at is not None and self.status in (
            self.Status.PUBLISHED,
            self.Status.CLOSED,
        )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def can_be_extended(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.extended_at is None

    @property
    def latest_extension_deadline(self) -> date:
        """An extension may push the deadline to at most 12 months after publication."""
        start = timezone.localdate(self.published_at) if self.published_at else timezone.localdate()
        return add_months(start, MAX_ANSWER_MONTHS)

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days

    def challenge_type_labels(self) -> list[str]:
        labels = dict(ChallengeType.choices)
        return [labels.get(value, value) for value in self.challenge_types]

    def cooperation_type_labels(self) -> list[str]:
        labels = dict(CooperationType.choices)
        return [labels.get(value, value) for value in self.cooperation_types]

    def partner_kind_labels(self) -> list[str]:
        labels = dict(Organisation.Kind.choices)
        return [labels.get(value, value) for value in self.partner_kinds]


class Answer(models.Model):
    """An expression of interest by another organisation in a published need."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE = (Status.SUBMITTED, Status.SHORTLISTED, Status.ACCEPTED)

    need = models.ForeignKey(
        Need, verbose_name=_("research need"), on_delete=models.CASCADE, related_name="answers"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="needs_answers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_answers",
    )
    approach = models.TextField(
        _("approach"), max_length=APPROACH_MAX, validators=[MaxLengthValidator(APPROACH_MAX)]
    )
    competences = models.TextField(
        _("relevant competences"),
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        blank=True,
    )
    references = models.TextField(
        _("references"), max_length=2000, validators=[MaxLengthValidator(2000)], blank=True
    )
    cooperation_type = models.CharField(
        _("proposed cooperation"), max_length=20, choices=CooperationType.choices
    )
    timeframe = models.CharField(_("rough timeframe"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    feedback = models.TextField(
        _("feedback"), max_length=2000, validators=[MaxLengthValidator(2000)], blank=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=Q(status__in=["submitted", "shortlisted", "accepted"]),
                name="research_needs_one_active_answer_per_org",
                violation_error_message=_("Your organisation has already answered this need."),
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(feedback=""),
                name="research_needs_declined_has_feedback",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.need}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Conversation(models.Model):
    """The private exchange between a need's organisation and an answering organisation,
    or between the two organisations of an introduction both accepted (issue 13)."""

    answer = models.OneToOneField(
        Answer,
        verbose_name=_("answer"),
        on_delete=models.CASCADE,
        related_name="conversation",
        null=True,
        blank=True,
    )
    introduction = models.OneToOneField(
        "research_needs.Introduction",
        verbose_name=_("introduction"),
        on_delete=models.CASCADE,
        related_name="conversation",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__isnull=False, introduction__isnull=True)
                | Q(answer__isnull=True, introduction__isnull=False),
                name="conversation_answer_or_introduction",
            )
        ]

    def __str__(self):
        return str(self.answer if self.answer_id else self.introduction)

    def get_absolute_url(self):
        return reverse("research_needs:conversation", kwargs={"pk": self.pk})


class Message(models.Model):
    """One message; ``read_at`` is when someone of the receiving organisation first saw it."""

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_messages",
    )
    author_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("author's organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    body = models.TextField(
        _("message"), max_length=MESSAGE_MAX, validators=[MaxLengthValidator(MESSAGE_MAX)]
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self):
        return f"{self.author_organisation}: {self.body[:40]}"


def attachment_upload_to(instance, filename: str) -> str:
    """A server-generated name under MEDIA_ROOT/needs/: nothing of the uploader's file name
    reaches the disk, and MEDIA_URL is never served, so only the download view hands it out."""
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.content_type, "bin"
    )
    return f"needs/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A PDF, PNG or JPEG on a need or on an answer (exactly one of them)."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"

    need = models.ForeignKey(
        Need,
        verbose_name=_("research need"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    answer = models.ForeignKey(
        Answer,
        verbose_name=_("answer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False, answer__isnull=True)
                | Q(need__isnull=True, answer__isnull=False),
                name="research_needs_attachment_one_parent",
            ),
            models.CheckConstraint(
                condition=Q(size__lte=ATTACHMENT_MAX_BYTES),
                name="research_needs_attachment_max_size",
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        need_id = self.need_id or self.answer.need_id
        return reverse("research_needs:attachment", kwargs={"pk": need_id, "file_pk": self.pk})


# Kept in modules of their own so this one stays readable; imported here so
# ``research_needs.models.X`` finds every model.
from .introductions import Introduction as Introduction  # noqa: E402
from .vectors import NeedVector as NeedVector  # noqa: E402
from .vectors import OrganisationVector as OrganisationVector  # noqa: E402

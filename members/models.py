"""Users, organisations, memberships, invitations, profiles, topics and consents (PRODUCT.md 3.1)."""

import secrets
import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import (
    FileExtensionValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.organisers import ORGANISERS_GROUP

INVITATION_VALIDITY = timedelta(days=14)
# Free keywords, of research needs and of competence profiles alike.
MAX_KEYWORDS = 10
KEYWORD_MAX = 50
COMPETENCES_MAX = 4000


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. The email address is the login; there is no username."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_organiser(self) -> bool:
        """Cluster staff: superusers or members of the Organisers group."""
        if not self.is_active or not self.is_staff:
            return False
        if self.is_superuser:
            return True
        cached = getattr(self, "_is_organiser", None)
        if cached is None:
            cached = self.groups.filter(name=ORGANISERS_GROUP).exists()
            self._is_organiser = cached
        return cached


class Topic(models.Model):
    """An entry of the shared topic list (PRODUCT.md 3.6), named in both languages."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


@deconstructible
class LogoStorage(FileSystemStorage):
    """Uploads are never served from MEDIA_URL; a logo's URL is the view that serves it, so
    ``logo.url`` works in every template, form widget and the admin."""

    def url(self, name):
        return reverse("members:organisation_logo", kwargs={"name": name.rsplit("/", 1)[-1]})


def logo_upload_to(instance, filename: str) -> str:
    """A server-generated name: nothing of the uploader's file name reaches the disk."""
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"logos/{uuid.uuid4().hex}.{extension}"


class Organisation(models.Model):
    """A company, research institution, public body or association.

    A new organisation is *pending* until an organiser approves it (issue 11): until then it
    is in no directory or alert and its members cannot act for it. One whose last member is
    gone is *deactivated*: hidden, its records kept for the organisers.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DEACTIVATED = "deactivated", _("Deactivated")

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company / SME")
        RESEARCH = "research", _("Research institution")
        PUBLIC = "public", _("Municipality or public body")
        ASSOCIATION = "association", _("Association or other")

    class FederalState(models.TextChoices):
        BW = "BW", _("Baden-Württemberg")
        BY = "BY", _("Bavaria")
        BE = "BE", _("Berlin")
        BB = "BB", _("Brandenburg")
        HB = "HB", _("Bremen")
        HH = "HH", _("Hamburg")
        HE = "HE", _("Hesse")
        MV = "MV", _("Mecklenburg-Western Pomerania")
        NI = "NI", _("Lower Saxony")
        NW = "NW", _("North Rhine-Westphalia")
        RP = "RP", _("Rhineland-Palatinate")
        SL = "SL", _("Saarland")
        SN = "SN", _("Saxony")
        ST = "ST", _("Saxony-Anhalt")
        SH = "SH", _("Schleswig-Holstein")
        TH = "TH", _("Thuringia")
        XX = "XX", _("Outside Germany")

    class SizeBand(models.TextChoices):
        NOT_STATED = "", _("Not stated")
        MICRO = "1-9", _("1 to 9 people")
        SMALL = "10-49", _("10 to 49 people")
        MEDIUM = "50-249", _("50 to 249 people")
        LARGE = "250+", _("250 people or more")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("short description"), max_length=2000, blank=True)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100)
    federal_state = models.CharField(_("federal state"), max_length=2, choices=FederalState.choices)
    size_band = models.CharField(
        _("size"), max_length=10, choices=SizeBand.choices, blank=True, default=""
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics of expertise"), related_name="organisations", blank=True
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        storage=LogoStorage(),
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("PNG or JPEG, at most 2 MB."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "User",
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_reason = models.TextField(
        _("reason"),
        max_length=2000,
        blank=True,
        help_text=_("Why the organisation was rejected or deactivated; the founder reads it."),
    )
    # When its admins were last reminded to fill in the competence profile (issue 13):
    # on the organisation, since the reminder is about a profile that does not exist yet.
    competence_reminded_at = models.DateTimeField(
        _("reminded of the competence profile"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "federal_state"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Membership(models.Model):
    """A user's place in an organisation. Each user belongs to at most one organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["user"], name="members_membership_one_org_per_user"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + INVITATION_VALIDITY


class Invitation(models.Model):
    """An email invitation to join an organisation: unguessable, expiring, single use."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    language = models.CharField(_("language"), max_length=8, default="de")
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # At most one open invitation per organisation and address.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="members_invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def get_absolute_url(self):
        return reverse("members:invitation_detail", kwargs={"token": self.token})

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class JoinRequest(models.Model):
    """A user asks to join an existing organisation instead of creating a look-alike; its
    admins accept (the user becomes a member) or decline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="members_joinrequest_one_open_per_user_org",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class Profile(models.Model):
    """What a user tells about themselves beyond name and email."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    expertise_keywords = models.CharField(
        _("expertise keywords"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. hydrometallurgy, leaching, indium recovery."),
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics of interest"), related_name="profiles", blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("de", _("German")), ("en", _("English"))],
        default="de",
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.expertise_keywords.split(",") if k.strip()]


class Consent(models.Model):
    """One recorded decision (given or withdrawn) with its time; the latest row of a kind counts."""

    class Kind(models.TextChoices):
        MARKETING = "marketing", _("News about cluster events and activities")
        ATTENDEE_LIST = "attendee_list", _("Appear in attendee lists")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    given = models.BooleanField(_("given"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    context = models.CharField(
        _("context"),
        max_length=200,
        blank=True,
        help_text=_("Where the decision was made, e.g. the profile page or an event registration."),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-recorded_at"])]

    def __str__(self):
        return f"{self.user} {self.kind}={self.given} @ {self.recorded_at:%Y-%m-%d %H:%M}"


class CooperationType(models.TextChoices):
    """Kinds of cooperation: what a research need seeks and what an organisation's
    competence profile offers (one list, so the matching compares like with like)."""

    CONTRACT_RESEARCH = "contract_research", _("Contract research")
    FUNDED_PROJECT = "funded_project", _("Joint publicly funded project")
    STUDENT_PROJECT = "student_project", _("Student project or thesis")
    TESTING = "testing", _("Testing and lab analysis")
    FEASIBILITY = "feasibility", _("Feasibility study or consultancy")
    EQUIPMENT = "equipment", _("Equipment use")
    STAFF_EXCHANGE = "staff_exchange", _("Staff exchange or training")


class WorkingLanguage(models.TextChoices):
    DE = "de", _("German")
    EN = "en", _("English")
    FR = "fr", _("French")
    PL = "pl", _("Polish")
    CS = "cs", _("Czech")


def _default_languages() -> list[str]:
    return [WorkingLanguage.DE]


class CompetenceProfile(models.Model):
    """What an organisation can do beyond its short description (issue 13): the texts and
    codes the partner recommendations read, with the fields of the matching data sets
    (shared/matching/README.md: ``competences``, ``keywords``, ``cooperation_types``,
    ``trl_min``/``trl_max``, ``languages``; description, kind and topics stay on the
    organisation). One prose field, as in the data sets, so what the evaluation loads is
    exactly what members type. ``recommend`` off keeps the organisation out of every
    recommendation (it still sees the needs that fit it)."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="competence_profile",
    )
    competences = models.TextField(
        _("competences"),
        max_length=COMPETENCES_MAX,
        validators=[MaxLengthValidator(COMPETENCES_MAX)],
        blank=True,
        help_text=_(
            "In whole sentences: the methods and processes you master, the materials you "
            "work with, your equipment and labs, and typical projects. Recommendations "
            "quote these sentences."
        ),
    )
    keywords = ArrayField(
        models.CharField(max_length=KEYWORD_MAX),
        verbose_name=_("keywords"),
        default=list,
        blank=True,
        size=MAX_KEYWORDS,
        help_text=_("Up to 10, each at most 50 characters."),
    )
    cooperation_types = ArrayField(
        models.CharField(max_length=20, choices=CooperationType.choices),
        verbose_name=_("cooperation types offered"),
        default=list,
        blank=True,
    )
    trl_min = models.PositiveSmallIntegerField(
        _("lowest readiness level"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Technology readiness level (TRL) 1 to 9 your work usually starts at."),
    )
    trl_max = models.PositiveSmallIntegerField(
        _("highest readiness level"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("The highest TRL you usually take a project to."),
    )
    languages = ArrayField(
        models.CharField(max_length=2, choices=WorkingLanguage.choices),
        verbose_name=_("working languages"),
        default=_default_languages,
        blank=True,
    )
    recommend = models.BooleanField(
        _("recommend us as a partner"),
        default=True,
        help_text=_(
            "Suggest your organisation to members whose research needs fit your "
            "competences. Untick to never be recommended."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("competence profile")
        verbose_name_plural = _("competence profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trl_min__gte=1, trl_min__lte=9, trl_max__gte=1, trl_max__lte=9),
                name="members_competenceprofile_trl_range",
            ),
            models.CheckConstraint(
                condition=models.Q(trl_max__gte=models.F("trl_min")),
                name="members_competenceprofile_trl_min_not_above_max",
                violation_error_message=_(
                    "The highest readiness level cannot be below the lowest."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(keywords__len__lte=MAX_KEYWORDS),
                name="members_competenceprofile_max_keywords",
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    def clean(self):
        errors = {}
        if self.trl_min and self.trl_max and self.trl_max < self.trl_min:
            errors["trl_max"] = _("The highest readiness level cannot be below the lowest.")
        if self.keywords and len(self.keywords) > MAX_KEYWORDS:
            errors["keywords"] = _("At most %(max)d keywords.") % {"max": MAX_KEYWORDS}
        elif any(not keyword.strip() for keyword in self.keywords or ()):
            errors["keywords"] = _("Keywords cannot be empty.")
        if errors:
            raise ValidationError(errors)

    def cooperation_type_labels(self) -> list[str]:
        labels = dict(CooperationType.choices)
        return [labels.get(value, value) for value in self.cooperation_types]

    def language_labels(self) -> list[str]:
        labels = dict(WorkingLanguage.choices)
        return [labels.get(value, value) for value in self.languages]

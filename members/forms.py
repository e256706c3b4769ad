"""Validation and layout only; views hand ``cleaned_data`` to the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.images import check_image_pixels
from forum.text import clean_keywords

from .models import (
    KEYWORD_MAX,
    MAX_KEYWORDS,
    CompetenceProfile,
    CooperationType,
    Membership,
    Organisation,
    Profile,
    Topic,
    WorkingLanguage,
)

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG"}


class NameForm(forms.Form):
    """A person's name, as sign-up and the profile page ask for it."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class SignupForm(NameForm):
    """The fields allauth's sign-up form adds in front of email and password."""

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        from .services import user_signup_complete

        user_signup_complete(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            language=getattr(request, "LANGUAGE_CODE", None) or get_language(),
        )


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class KeywordsField(forms.CharField):
    """Comma-separated keywords: at most 10, each at most 50 characters (research needs
    and competence profiles)."""

    def to_python(self, value):
        return clean_keywords(super().to_python(value))

    def run_validators(self, value):
        # Each keyword, not the list: CharField's NUL check must see the strings.
        for keyword in value:
            super().run_validators(keyword)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_KEYWORDS:
            raise ValidationError(
                _("At most %(max)d keywords; you entered %(count)d.")
                % {"max": MAX_KEYWORDS, "count": len(value)},
                code="too_many_keywords",
            )
        too_long = [keyword for keyword in value if len(keyword) > KEYWORD_MAX]
        if too_long:
            raise ValidationError(
                _("Each keyword may have at most %(max)d characters: “%(keyword)s” is longer.")
                % {"max": KEYWORD_MAX, "keyword": too_long[0][:60]},
                code="keyword_too_long",
            )

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value


class LogoField(forms.ImageField):
    """A logo checked by its content: PNG or JPEG as Pillow reads it, at most 2 MB and
    within the platform's one pixel limit (``forum.images``)."""

    default_error_messages = {
        "invalid_image": _("Upload a PNG or JPEG image. This file is not a readable image."),
        "format": _("Upload a PNG or JPEG image. This file is a %(format)s image."),
        "size": _("The logo may be at most 2 MB; this file has %(size)s MB."),
    }

    def to_python(self, data):
        if data and getattr(data, "size", 0) > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                self.error_messages["size"],
                code="size",
                params={"size": f"{data.size / 1024 / 1024:.1f}"},
            )
        if data:
            check_image_pixels(data)
        upload = super().to_python(data)
        if upload is None:
            return None
        image_format = getattr(getattr(upload, "image", None), "format", None)
        if image_format not in LOGO_FORMATS:
            raise forms.ValidationError(
                self.error_messages["format"],
                code="format",
                params={"format": image_format or "?"},
            )
        return upload


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    topics = TopicChoiceField(
        label=_("Topics of expertise"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    logo = LogoField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "description",
            "website",
            "city",
            "federal_state",
            "size_band",
            "topics",
            "logo",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def logo_value(self):
        """What to hand to the service: a new file, None to remove it, or ``...`` to keep it."""
        logo = self.cleaned_data.get("logo")
        if logo is False:
            return None
        if isinstance(logo, UploadedFile):
            return logo
        return ...


class OrganisationCreateForm(OrganisationForm):
    """The creation form warns when the name is like an existing organisation's
    (members.selectors.organisations_alike) and asks to confirm it is another one; the page
    offers to ask to join the existing one instead."""

    confirm_distinct = forms.BooleanField(
        label=_("My organisation is a different one; create it anyway."),
        required=False,
        widget=forms.HiddenInput,  # shown as a checkbox once a similar name was found
    )

    # The confirmation right below the name it is about.
    field_order = ["name", "confirm_distinct"]

    class Meta(OrganisationForm.Meta):
        fields = [*OrganisationForm.Meta.fields, "confirm_distinct"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.similar: list[Organisation] = []

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            from . import selectors

            candidates = selectors.alike_candidates()
            # Not the one this user already founded: the same form sent twice at once
            # finds the first request's organisation, which is not "another" one (the
            # service returns it). Read after the candidates, so it sees any organisation
            # among them that this user's other request committed.
            own = None
            if self.user is not None and self.user.pk is not None:
                own = (
                    Membership.objects.filter(user=self.user)
                    .values_list("organisation_id", flat=True)
                    .first()
                )
            self.similar = selectors.organisations_alike(
                name, exclude_pk=own, candidates=candidates
            )
            if self.similar:
                self.fields["confirm_distinct"].widget = forms.CheckboxInput()
            if self.similar and not cleaned.get("confirm_distinct"):
                self.add_error(
                    "name",
                    _(
                        "An organisation with a similar name is already registered: "
                        "%(names)s. Ask to join it below, or confirm that yours is a "
                        "different one."
                    )
                    % {"names": ", ".join(org.name for org in self.similar)},
                )
        return cleaned


class RejectOrganisationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The founder reads this reason in the email."),
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        self.organisation = organisation
        prefix = f"reject-{organisation.pk}" if organisation is not None else None
        super().__init__(*args, prefix=prefix, **kwargs)


class ProfileForm(NameForm):
    position = forms.CharField(
        label=_("Position"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    expertise_keywords = forms.CharField(
        label=_("Expertise keywords"),
        max_length=500,
        required=False,
        help_text=_("Comma-separated, e.g. hydrometallurgy, leaching, indium recovery."),
    )
    topics = TopicChoiceField(
        label=_("Topics of interest"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("Emails from the forum are written in this language."),
    )
    marketing_consent = forms.BooleanField(
        label=_("Yes, send me news about cluster events and activities."),
        required=False,
        help_text=_("You can withdraw this consent at any time here."),
    )

    @classmethod
    def initial_for(cls, user, profile: Profile, topics, marketing_consent: bool) -> dict:
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "position": profile.position,
            "phone": profile.phone,
            "expertise_keywords": profile.expertise_keywords,
            "topics": list(topics),
            "preferred_language": profile.preferred_language,
            "marketing_consent": marketing_consent,
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_("Admins can edit the organisation and invite or remove people."),
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        self.organisation = organisation
        super().__init__(*args, auto_id="id_invite_%s", **kwargs)

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DirectoryFilterForm(forms.Form):
    """The GET filters of the member directory; every field is optional."""

    q = forms.CharField(
        label=_("Name or city"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    federal_state = forms.ChoiceField(
        label=_("Federal state"),
        required=False,
        choices=[("", _("All states")), *Organisation.FederalState.choices],
    )
    cooperation = forms.ChoiceField(
        label=_("Cooperation offered"),
        required=False,
        choices=[("", _("Any cooperation")), *CooperationType.choices],
    )
    competence = forms.CharField(
        label=_("Competence or keyword"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].label_from_instance = lambda topic: topic.name


TRL_CHOICES = [(level, str(level)) for level in range(1, 10)]


class CompetenceProfileForm(forms.Form):
    """An organisation's competence profile (issue 13); its view hands ``cleaned_data``
    to members.services.competence_profile_update."""

    competences = forms.CharField(
        label=_("Competences"),
        required=False,
        max_length=CompetenceProfile._meta.get_field("competences").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=CompetenceProfile._meta.get_field("competences").help_text,
    )
    keywords = KeywordsField(
        label=_("Keywords"),
        required=False,
        help_text=_("Comma-separated, up to 10, e.g. black mass, leaching, X-ray fluorescence."),
    )
    cooperation_types = forms.MultipleChoiceField(
        label=_("Cooperation types offered"),
        required=False,
        choices=CooperationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    trl_min = forms.TypedChoiceField(
        label=_("Lowest readiness level (TRL)"),
        choices=TRL_CHOICES,
        coerce=int,
        initial=1,
        help_text=CompetenceProfile._meta.get_field("trl_min").help_text,
    )
    trl_max = forms.TypedChoiceField(
        label=_("Highest readiness level (TRL)"),
        choices=TRL_CHOICES,
        coerce=int,
        initial=9,
        help_text=CompetenceProfile._meta.get_field("trl_max").help_text,
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=WorkingLanguage.choices,
        initial=[WorkingLanguage.DE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working language.")},
    )
    recommend = forms.BooleanField(
        label=_("Recommend us as a partner"),
        required=False,
        initial=True,
        help_text=CompetenceProfile._meta.get_field("recommend").help_text,
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("trl_min"), cleaned.get("trl_max")
        if low is not None and high is not None and high < low:
            self.add_error("trl_max", _("The highest readiness level cannot be below the lowest."))
        return cleaned

    @classmethod
    def initial_for(cls, profile: CompetenceProfile | None) -> dict:
        if profile is None:
            return {}
        return {
            "competences": profile.competences,
            "keywords": profile.keywords,
            "cooperation_types": profile.cooperation_types,
            "trl_min": profile.trl_min,
            "trl_max": profile.trl_max,
            "languages": profile.languages,
            "recommend": profile.recommend,
        }

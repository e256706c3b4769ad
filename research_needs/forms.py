"""Validation and layout only; views hand ``cleaned_data`` to the services.

The need form explains every field with a short example: vague needs get poor answers.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.forms import KeywordsField, TopicChoiceField
from members.models import Organisation, Topic, User

from .files import sniff_content_type
from .models import (
    APPROACH_MAX,
    DESCRIPTION_MAX,
    MAX_ANSWER_MONTHS,
    MAX_ATTACHMENTS,
    MAX_TOPICS,
    MESSAGE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    ChallengeType,
    CooperationType,
    Need,
    add_months,
    default_deadline,
)

TRL_CHOICES = [
    (1, _("1: basic principles observed")),
    (2, _("2: technology concept formulated")),
    (3, _("3: experimental proof of concept")),
    (4, _("4: validated in the lab")),
    (5, _("5: validated in a relevant environment")),
    (6, _("6: demonstrated in a relevant environment")),
    (7, _("7: prototype in operation")),
    (8, _("8: system complete and qualified")),
    (9, _("9: proven in operation")),
]
ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several PDF, PNG or JPEG files, each checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        errors, cleaned = [], []
        for upload in uploads:
            try:
                upload = super().clean(upload, initial)
                sniff_content_type(upload)
            except ValidationError as exc:
                errors.extend(exc.error_list)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _free_slots_error(count: int, free: int):
    return ValidationError(
        ngettext(
            "You can attach %(free)d more file; you chose %(count)d.",
            "You can attach %(free)d more files; you chose %(count)d.",
            free,
        )
        % {"free": free, "count": count},
        code="too_many_files",
    )


class NeedForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Posting organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("As an organiser you can post on behalf of any member organisation."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_(
            "Name the problem in one line, e.g. “Recovering cobalt from black mass of "
            "shredded lithium-ion batteries”."
        ),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Two or three sentences everyone may read, also visitors: what you need and "
            "why, e.g. “We shred 2,000 t of batteries a year and want to get more cobalt "
            "out of our black mass.” At most 500 characters."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The details for members: your starting point, quantities and materials, what "
            "you tried, what a good result would be, constraints (e.g. permits, space, "
            "staff). At most 8,000 characters."
        ),
    )
    challenge_types = forms.MultipleChoiceField(
        label=_("Challenge types"),
        choices=ChallengeType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every kind of challenge the need touches, e.g. “Logistics”."),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One to five topics; researchers with these topics are alerted."),
    )
    keywords = KeywordsField(
        label=_("Keywords"),
        required=False,
        max_length=1000,
        help_text=_(
            "Up to ten, separated by commas, e.g. black mass, leaching, cobalt. They help "
            "the search."
        ),
    )
    trl_now = forms.TypedChoiceField(
        label=_("Technology readiness level today"),
        choices=TRL_CHOICES,
        coerce=int,
        help_text=_("Where you stand today, e.g. 3 if a lab test showed it can work."),
    )
    trl_target = forms.TypedChoiceField(
        label=_("Technology readiness level aimed at"),
        choices=TRL_CHOICES,
        coerce=int,
        help_text=_("Where the cooperation should take you, e.g. 6 for a pilot plant."),
    )
    cooperation_types = forms.MultipleChoiceField(
        label=_("Cooperation types sought"),
        choices=CooperationType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("How you would like to work together, e.g. “Student project or thesis”."),
    )
    partner_kinds = forms.MultipleChoiceField(
        label=_("Partners sought"),
        choices=Organisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty if any partner is welcome."),
    )
    budget_band = forms.ChoiceField(
        label=_("Budget"),
        choices=Need.BudgetBand.choices,
        initial=Need.BudgetBand.NOT_STATED,
        help_text=_("A rough band helps partners judge the scope."),
    )
    public_funding = forms.BooleanField(
        label=_("We are interested in applying for public funding together"),
        required=False,
    )
    desired_start = forms.DateField(
        label=_("Desired start"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional, e.g. the start of next quarter."),
    )
    deadline = forms.DateField(
        label=_("Answer deadline"),
        widget=DateInput(),
        help_text=_(
            "Until when research partners can answer: six months by default, at most twelve."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the need"), choices=Need.Language.choices, initial="de"
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Need.Visibility.choices,
        initial=Need.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Anonymous: members see the need without your organisation's name until you "
            "accept an answer; organisers always see it."
        ),
    )
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Shown to a partner once you accept their answer."),
    )
    files = AttachmentsField(
        label=_("Attachments"),
        help_text=_("Up to five PDF, PNG or JPEG files, at most 10 MB each."),
    )

    def __init__(self, *args, organisation=None, choose_organisation=False, need=None, **kwargs):
        self.need = need
        initial = kwargs.setdefault("initial", {})
        if need is not None:
            for name in self.base_fields:
                if name in ("files", "organisation"):
                    continue
                if name == "topics":
                    initial.setdefault("topics", list(need.topics.all()))
                elif name == "contact_person":
                    initial.setdefault("contact_person", need.contact_person_id)
                else:
                    initial.setdefault(name, getattr(need, name))
        else:
            initial.setdefault("deadline", default_deadline())
            initial.setdefault("trl_now", 3)
            initial.setdefault("trl_target", 6)
        super().__init__(*args, **kwargs)
        if choose_organisation:
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        else:
            del self.fields["organisation"]
        if organisation is not None:
            self.fields["contact_person"].queryset = User.objects.filter(
                memberships__organisation=organisation, is_active=True
            ).order_by("last_name", "first_name")
        else:
            self.fields["contact_person"].queryset = User.objects.filter(
                memberships__isnull=False, is_active=True
            ).order_by("last_name", "first_name")
        today = timezone.localdate()
        self.fields["deadline"].widget.attrs.update(
            min=(today + timedelta(days=1)).isoformat(),
            max=add_months(today, MAX_ANSWER_MONTHS).isoformat(),
        )

    @property
    def free_attachment_slots(self) -> int:
        existing = self.need.attachments.count() if self.need is not None else 0
        return max(0, MAX_ATTACHMENTS - existing)

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise ValidationError(
                _("Choose at most five topics; you chose %(count)d.") % {"count": len(topics)}
            )
        return topics

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline <= today:
            raise ValidationError(_("The answer deadline must lie in the future."))
        if deadline > add_months(today, MAX_ANSWER_MONTHS):
            raise ValidationError(_("The answer deadline can be at most 12 months ahead."))
        return deadline

    def clean_files(self):
        files = self.cleaned_data["files"]
        free = self.free_attachment_slots
        if len(files) > free:
            raise _free_slots_error(len(files), free)
        return files

    def clean(self):
        cleaned = super().clean()
        now, target = cleaned.get("trl_now"), cleaned.get("trl_target")
        if now and target and target < now:
            self.add_error(
                "trl_target", _("The level aimed at cannot be below the level reached today.")
            )
        start = cleaned.get("desired_start")
        if start and start < timezone.localdate():
            self.add_error("desired_start", _("The desired start cannot lie in the past."))
        elif start and start.year > timezone.localdate().year + 10:
            self.add_error("desired_start", _("Choose a start within the next ten years."))
        return cleaned

    def need_fields(self) -> dict:
        """What need_create / need_update take, without topics, files and organisation."""
        data = dict(self.cleaned_data)
        for name in ("files", "topics", "organisation", "contact_person"):
            data.pop(name, None)
        return data


class AttachmentForm(forms.Form):
    files = AttachmentsField(
        label=_("Add files"),
        required=True,
        help_text=_("PDF, PNG or JPEG, at most 10 MB each, five per need or answer."),
    )

    def __init__(self, *args, existing: int = 0, **kwargs):
        self.existing = existing
        super().__init__(*args, **kwargs)

    def clean_files(self):
        files = self.cleaned_data["files"]
        free = max(0, MAX_ATTACHMENTS - self.existing)
        if len(files) > free:
            raise _free_slots_error(len(files), free)
        return files


class AnswerForm(forms.Form):
    approach = forms.CharField(
        label=_("Your approach"),
        max_length=APPROACH_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "How you would tackle the need, e.g. “Selective leaching of the black mass in "
            "our pilot plant, then solvent extraction of cobalt.” At most 4,000 characters."
        ),
    )
    competences = forms.CharField(
        label=_("Relevant competences"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("People, methods and equipment you bring, e.g. an ICP-OES lab."),
    )
    references = forms.CharField(
        label=_("References"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Earlier projects or publications on the subject."),
    )
    cooperation_type = forms.ChoiceField(
        label=_("Proposed cooperation"), choices=CooperationType.choices
    )
    timeframe = forms.CharField(
        label=_("Rough timeframe"),
        max_length=200,
        required=False,
        help_text=_("e.g. “first results after three months”"),
    )
    files = AttachmentsField(
        label=_("Attachments"),
        help_text=_("Up to five PDF, PNG or JPEG files, at most 10 MB each."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_ATTACHMENTS:
            raise _free_slots_error(len(files), MAX_ATTACHMENTS)
        return files

    def answer_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("files", None)
        return data


class DeclineForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback for the responder"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A short, fair reason they will see, e.g. “We need a partner who can start "
            "before summer.”"
        ),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the organisation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation receives this comment by email."),
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you closing the need?"),
        widget=forms.RadioSelect,
        choices=[
            (Need.CloseReason.COOPERATION, Need.CloseReason.COOPERATION.label),
            (Need.CloseReason.NO_ANSWER, Need.CloseReason.NO_ANSWER.label),
            (Need.CloseReason.WITHDRAWN, Need.CloseReason.WITHDRAWN.label),
        ],
    )

    def __init__(self, *args, need=None, **kwargs):
        super().__init__(*args, **kwargs)
        if need is not None and need.status != Need.Status.PUBLISHED:
            self.fields["reason"].choices = [
                (Need.CloseReason.WITHDRAWN, Need.CloseReason.WITHDRAWN.label)
            ]
            self.fields["reason"].initial = Need.CloseReason.WITHDRAWN


class ExtendForm(forms.Form):
    deadline = forms.DateField(label=_("New answer deadline"), widget=DateInput())

    def __init__(self, *args, need=None, **kwargs):
        super().__init__(*args, **kwargs)
        if need is not None:
            self.fields["deadline"].help_text = _(
                "You can extend once, to %(date)s at the latest."
            ) % {"date": need.latest_extension_deadline.strftime("%d.%m.%Y")}
            self.fields["deadline"].widget.attrs.update(
                min=(need.deadline + timedelta(days=1)).isoformat(),
                max=need.latest_extension_deadline.isoformat(),
            )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NeedSearchForm(forms.Form):
    """The list's search box and filters. Invalid filters are ignored, not an error page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. Batterien, Schlacke, Indium")}
        ),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=_("All topics"),
        to_field_name="slug",
    )
    challenge = forms.ChoiceField(
        label=_("Challenge type"),
        required=False,
        choices=[("", _("All challenge types")), *ChallengeType.choices],
    )
    cooperation = forms.ChoiceField(
        label=_("Cooperation type"),
        required=False,
        choices=[("", _("All cooperation types")), *CooperationType.choices],
    )
    trl = forms.TypedChoiceField(
        label=_("Readiness level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any readiness level")), *TRL_CHOICES],
    )
    org_kind = forms.ChoiceField(
        label=_("Organisation kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    federal_state = forms.ChoiceField(
        label=_("Federal state"),
        required=False,
        choices=[("", _("All federal states")), *Organisation.FederalState.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Open for answers")),
            ("closed", _("Closed")),
            ("all", _("Open and closed")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("relevance", _("Relevance")),
            ("newest", _("Newest")),
            ("deadline", _("Deadline")),
        ],
    )


class IntroductionForm(forms.Form):
    """The line of reason for an introduction (issue 13, item 5)."""

    reason = forms.CharField(
        label=_("Why should they meet? (one line)"),
        max_length=300,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )

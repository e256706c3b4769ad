"""Validation and layout only; views hand ``cleaned_data`` to the services."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .models import Event, ProgrammeItem, Stand

NEEDS_MAX = 500


def _day_label(day) -> str:
    return formats.date_format(day, "l, j. F Y") if day else ""


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        start = timezone.localtime(obj.starts_at)
        return f"{formats.date_format(start, 'D j. N, H:i')} · {obj.title}"


class RegistrationChoicesForm(forms.Form):
    """What every attendee chooses: days, sessions, needs and the attendee-list consent."""

    days = forms.TypedMultipleChoiceField(
        label=_("Days you attend"),
        widget=forms.CheckboxSelectMultiple,
        coerce=date.fromisoformat,
        error_messages={"required": _("Choose at least one day.")},
    )
    sessions = SessionChoiceField(
        label=_("Workshop sessions"),
        queryset=ProgrammeItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("These sessions have their own limited number of places."),
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        max_length=NEEDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example vegetarian, vegan, allergies."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=NEEDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example step-free access, induction loop, sign language."),
    )
    list_consent = forms.BooleanField(
        label=_("Show my name and organisation in the attendee list"),
        required=False,
        help_text=_("Only other confirmed attendees see the list. You can change this later."),
    )

    def __init__(self, *args, event: Event, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event.is_multi_day:
            self.fields["days"].choices = [
                (day.isoformat(), _day_label(day)) for day in event.days()
            ]
            if not self.is_bound and "days" not in self.initial:
                self.initial["days"] = [day.isoformat() for day in event.days()]
        else:
            del self.fields["days"]
        if sessions is not None:
            self.offer_sessions(sessions)
        # else: a POST that chose no session, checked without the event's sessions; the
        # view offers them before it shows the form again (issue 17, P5).

    def offer_sessions(self, sessions) -> None:
        """The event's sessions with their own sign-up as choices; no field without any."""
        if "sessions" not in self.fields:
            return
        if sessions:
            self.fields["sessions"].queryset = self.event.items.filter(capacity__isnull=False)
            self.fields["sessions"].choices = [
                (item.pk, self.fields["sessions"].label_from_instance(item)) for item in sessions
            ]
        else:
            del self.fields["sessions"]

    def choices(self) -> dict:
        data = self.cleaned_data
        return {
            "days": data.get("days") or [],
            "sessions": list(data.get("sessions") or []),
            "dietary_needs": data.get("dietary_needs", ""),
            "accessibility_needs": data.get("accessibility_needs", ""),
            "list_consent": data.get("list_consent", False),
        }


class GuestRegistrationForm(RegistrationChoicesForm):
    """A guest also says who they are; the address is confirmed by an emailed link."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a link to confirm this address."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_("Company, university or authority; leave empty if none."),
    )

    field_order = ["name", "email", "organisation_name"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class StandForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of stand"), choices=Stand.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What you will show"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Products, research or services you present; at most 2,000 characters."),
    )
    needs_power = forms.BooleanField(label=_("We need a power socket"), required=False)

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if len(description) < 10:
            raise forms.ValidationError(_("Describe your stand in a sentence or two."))
        return description


class CheckinFilterForm(forms.Form):
    """The door list's filters (GET): a first letter and free text."""

    q = forms.CharField(label=_("Name, email or organisation"), max_length=100, required=False)
    letter = forms.RegexField(regex=r"^\w$", max_length=1, required=False)


class WalkInForm(forms.Form):
    """Someone arrives without a registration and is registered on the spot."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    organisation_name = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )

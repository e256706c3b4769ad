"""The events admin's forms: a programme item's clashes and speakers of another event
refused, the event form's reserved slugs, the event page's short list of registrations,
registrations added and changed by hand."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .. import services, validation
from ..models import Event, ProgrammeItem, Registration, SessionSignup

REGISTRATIONS_INLINE_LIMIT = 50


class ProgrammeItemAdminForm(forms.ModelForm):
    class Meta:
        model = ProgrammeItem
        fields = [
            "event",
            "kind",
            "title",
            "abstract",
            "starts_at",
            "ends_at",
            "room",
            "speakers",
            "track",
            "capacity",
        ]

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        strangers = [
            s.name for s in cleaned.get("speakers") or [] if event and s.event_id != event.pk
        ]
        if strangers:
            self.add_error(
                "speakers",
                _(
                    "These speakers belong to another event: %(names)s. Add them to this event with “+”."
                )
                % {"names": ", ".join(strangers)},
            )
        slot = validation.slot_from_form(self)
        if event is not None and slot is not None:
            others = validation.slots_from_db(event, exclude_pks=[self.instance.pk])
            for _slot, field, message in validation.clashes([slot, *others]):
                self.add_error(field if field in self.fields else None, message)
        return cleaned


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "slug",
            "status",
            "language",
            "host",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "waiting_list",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in {"mine", "feeds", "registrations", "check-in"}:
            raise ValidationError(_("This address is reserved; choose another slug."))
        return slug


class LimitedInlineFormSet(BaseInlineFormSet):
    """The newest registrations only: a big event lists the rest in the registration list."""

    def get_queryset(self):
        if not hasattr(self, "_limited"):
            self._limited = list(super().get_queryset()[:REGISTRATIONS_INLINE_LIMIT])
        return self._limited


def _session_choices():
    return ProgrammeItem.objects.filter(capacity__isnull=False).select_related("event")


class RegistrationAddForm(forms.ModelForm):
    """A registration by hand: a member (choose the account) or a person without one. The
    form registers through ``services.registration_add`` once it is valid, so the seat rules
    answer here (a full event without waiting list is an error on the form, not a crash);
    the admin's transaction rolls the registration back if anything after it fails."""

    sessions = forms.ModelMultipleChoiceField(
        label=_("workshop sessions"), queryset=ProgrammeItem.objects.none(), required=False
    )
    notify = forms.BooleanField(
        label=_("Send the person a notice by email"),
        required=False,
        help_text=_("The usual mail: registered, or on the waiting list."),
    )

    #: the organiser saving the form; set by the admin
    actor = None

    class Meta:
        model = Registration
        fields = ["event", "user", "name", "email", "organisation_name", "days", "language"]
        help_texts = {
            "user": _("For a member: choose the account; name and email come from it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = _session_choices()
        self.fields["name"].required = False
        self.fields["email"].required = False
        self.fields["event"].queryset = Event.objects.exclude(status=Event.Status.CANCELLED)
        self.registered = None

    def _post_clean(self):
        pass  # the service builds and validates the registration

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("event") is None:
            return cleaned
        try:
            self.registered = services.registration_add(
                event=cleaned["event"],
                actor=self.actor,
                user=cleaned.get("user"),
                name=cleaned.get("name") or "",
                email=cleaned.get("email") or "",
                organisation_name=cleaned.get("organisation_name") or "",
                days=cleaned.get("days") or [],
                sessions=cleaned.get("sessions") or [],
                language=cleaned.get("language"),
                notify=cleaned.get("notify", False),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        return cleaned


class RegistrationChangeForm(forms.ModelForm):
    """The admin's change form: the details, the days and the workshop sessions (saved by
    ``services.registration_save`` with the session seat rules)."""

    sessions = forms.ModelMultipleChoiceField(
        label=_("workshop sessions"), queryset=ProgrammeItem.objects.none(), required=False
    )

    class Meta:
        model = Registration
        fields = [  # the admin passes its own list; these are the correctable ones
            "name",
            "email",
            "organisation",
            "organisation_name",
            "days",
            "dietary_needs",
            "accessibility_needs",
            "list_consent",
            "language",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sessions"].queryset = self.instance.event.items.filter(
                capacity__isnull=False
            )
            self.initial["sessions"] = list(
                self.instance.session_signups.exclude(
                    status=SessionSignup.Status.CANCELLED
                ).values_list("item_id", flat=True)
            )

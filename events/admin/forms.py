"""The events admin's forms: programme clashes refused across all rows of one save, the
event form's reserved slugs, the event page's short list of registrations."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .. import validation
from ..models import Event, ProgrammeItem

REGISTRATIONS_INLINE_LIMIT = 50


class ProgrammeItemInlineFormSet(BaseInlineFormSet):
    """Sees every submitted row together with the event's other items in the database and
    refuses a room or a speaker in two places at once."""

    def clean(self):
        super().clean()
        rows, kept_pks = [], []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    kept_pks.append(form.instance.pk)  # deleted: it clashes with nothing
                continue
            if form.instance.pk:
                kept_pks.append(form.instance.pk)
            slot = validation.slot_from_form(form)
            if slot is not None:
                rows.append(slot)
        event = self.instance if self.instance.pk else None
        found = validation.clashes(rows + validation.slots_from_db(event, exclude_pks=kept_pks))
        for slot, field, message in found:
            slot.form.add_error(field if field in slot.form.fields else None, message)
        if found:
            raise ValidationError(
                _("Some programme items clash: a room or a speaker is in two places at once.")
            )


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

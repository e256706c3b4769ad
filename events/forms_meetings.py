"""Forms of the meetings page (issue 14): validation only; the views hand the data to
events.services.meetings."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Topic

TEXT_MAX = 1000


class SlotField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        return f"{formats.date_format(start, 'D j. N')}, {start:%H:%M}–{end:%H:%M}"  # noqa: RUF001


class OptInForm(forms.Form):
    offer = forms.CharField(
        label=_("We offer"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you can bring to a partner: methods, materials, equipment."),
    )
    looking_for = forms.CharField(
        label=_("We look for"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What kind of partner or know-how you hope to meet."),
    )
    slots = SlotField(
        label=_("I am available in these slots"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one slot.")},
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].queryset = slots


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("All kinds")), *list(Organisation.Kind.choices)],
        required=False,
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All topics")
    )


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why you would like to meet, in a sentence or two."),
    )

"""Validation only; views hand ``cleaned_data`` to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import Delivery, MassMail


class PreferencesForm(forms.Form):
    """One choice per switchable category; transactional ones are listed, not offered."""

    def __init__(self, *args, user, initial_preferences: dict[str, str], **kwargs):
        kwargs.setdefault("prefix", "notify")
        super().__init__(*args, **kwargs)
        self.user = user
        self.transactional = [c for c in registry.categories() if c.transactional]
        for category in registry.categories():
            if category.transactional:
                continue
            self.fields[category.key] = forms.ChoiceField(
                label=category.label,
                help_text=category.description,
                choices=Delivery.choices,
                initial=initial_preferences.get(category.key, Delivery.IMMEDIATELY),
                widget=forms.RadioSelect,
                # A submission without the field (an older form) keeps the stored choice.
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        return {key: value for key, value in cleaned.items() if value}


class MassMailForm(forms.ModelForm):
    class Meta:
        model = MassMail
        fields = ["subject_de", "body_de", "subject_en", "body_en"]
        widgets = {
            "body_de": forms.Textarea(attrs={"rows": 10}),
            "body_en": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "body_de": _(
                "Plain text. Each recipient gets it with a greeting and the forum's signature "
                "in their language."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        subject_en = (cleaned.get("subject_en") or "").strip()
        body_en = (cleaned.get("body_en") or "").strip()
        if subject_en and not body_en:
            self.add_error("body_en", _("Give the English message too, or leave both empty."))
        if body_en and not subject_en:
            self.add_error("subject_en", _("Give the English subject too, or leave both empty."))
        return cleaned

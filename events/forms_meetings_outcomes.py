"""The form of a meeting's outcome (issue 14, item 5): held or no-show, useful yes/no, a
line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models_meetings_outcomes import MeetingOutcome

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did the meeting take place?"),
        choices=MeetingOutcome.Outcome.choices,
        widget=forms.RadioSelect,
    )
    useful = forms.ChoiceField(
        label=_("Was it useful?"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    comment = forms.CharField(
        label=_("One line about it (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )

    def clean(self):
        data = super().clean()
        held = data.get("outcome") == MeetingOutcome.Outcome.HELD
        if held and not data.get("useful"):
            self.add_error("useful", _("Say whether the meeting was useful."))
        data["held"] = held
        data["useful_value"] = (data.get("useful") == "yes") if held else None
        return data

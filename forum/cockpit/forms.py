from django import forms
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("Whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
        coerce=int,
        empty_value=None,
        required=False,
    )

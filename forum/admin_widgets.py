"""The admin's autocomplete fields, safe against values that are no id (issue 11, R2).

Django's AutocompleteSelect renders the submitted value again when the form has an
error, and looks it up as it came: ``pk__in=['abc']`` raises ValueError, a 500 for an
organiser who pasted a name into the field. These widgets drop what the target field
cannot read before the lookup; the form itself still reports the field as invalid.
``install()`` (from ForumConfig.ready) makes the admin use them for every
``autocomplete_fields`` entry, so no ModelAdmin needs to know.
"""

from django.contrib.admin import options, widgets
from django.core.exceptions import ValidationError


class _SafeOptgroups:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)

        def readable(raw) -> bool:
            try:
                target.to_python(raw)
            except (ValidationError, TypeError, ValueError):
                return False
            return True

        return super().optgroups(name, [raw for raw in value if readable(raw)], attr)


class AutocompleteSelect(_SafeOptgroups, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_SafeOptgroups, widgets.AutocompleteSelectMultiple):
    pass


def install() -> None:
    options.AutocompleteSelect = AutocompleteSelect
    options.AutocompleteSelectMultiple = AutocompleteSelectMultiple

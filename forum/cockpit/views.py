"""The statistics page and its exports, for organisers only. The admin site wraps each view
(``admin_view``): visitors and members go to the admin login; staff outside the Organisers
group get a 403 here."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import charts, exports
from . import statistics as stats
from .forms import PeriodForm
from .site import is_organiser


def _period(request):
    """The chosen period and the form; None as period for bad input."""
    if not is_organiser(request.user):
        raise PermissionDenied
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(timezone.localdate().year)
    form = PeriodForm(data)
    if not form.is_valid():
        return None, form
    return stats.Period(form.cleaned_data["year"], form.cleaned_data["quarter"]), form


def _charts(data):
    members, events = data["members"], data["events"]
    return [
        charts.bar_chart(
            _("Mix of members"), [(label, count) for _key, label, count, _share in members["mix"]]
        ),
        charts.bar_chart(
            _("Members by federal state"),
            [(label, count) for _code, label, count in members["by_federal_state"] if count],
        ),
        charts.bar_chart(
            _("Members by size"), [(label, count) for _code, label, count in members["by_size"]]
        ),
        charts.bar_chart(
            _("Registrations, check-ins and no-shows by kind of organisation"),
            [(label, [r, c, n]) for _code, label, r, c, n in events["by_kind"] if r or c or n],
            series=[_("Registrations"), _("Check-ins"), _("No-shows")],
        ),
    ]


def statistics_view(request):
    from django.contrib import admin

    period, form = _period(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics"),
        "subtitle": None,
        "form": form,
    }
    if period is None:
        return TemplateResponse(request, "admin/cockpit/statistics.html", context, status=400)
    data = stats.figures(period)
    query = f"?year={period.year}" + (f"&quarter={period.quarter}" if period.quarter else "")
    context.update(
        {
            "title": _("Statistics %(period)s") % {"period": period.label},
            "data": data,
            "charts": _charts(data),
            "meeting_rows": [
                (key, label, value)
                for key, (label, value) in zip(
                    stats.MEETING_KEYS, stats.meeting_rows(data), strict=True
                )
            ],
            "query": query,
        }
    )
    return TemplateResponse(request, "admin/cockpit/statistics.html", context)


def _export_rows(request):
    period, form = _period(request)
    if period is None:
        return (
            None,
            None,
            HttpResponse(
                " ".join(str(e) for errors in form.errors.values() for e in errors),
                status=400,
                content_type="text/plain; charset=utf-8",
            ),
        )
    header = [_("Section"), _("Figure"), _("Value")]
    return period, (header, stats.rows(stats.figures(period))), None


def export_csv(request):
    period, table, error = _export_rows(request)
    if error:
        return error
    response = HttpResponse(exports.as_csv(*table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{period.slug}.csv"'
    return response


def export_xlsx(request):
    period, table, error = _export_rows(request)
    if error:
        return error
    response = HttpResponse(
        exports.as_xlsx(_("Statistics") + " " + period.label, *table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="statistics-{period.slug}.xlsx"'
    return response

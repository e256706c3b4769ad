"""The organisers' admin site: Django's admin with a start page of what waits, the app list
grouped by task, technical tables hidden from organisers, and the statistics pages."""

from django.contrib import admin
from django.urls import path

from . import groups


def _label(model_entry) -> str:
    return model_entry["model"]._meta.label


def is_organiser(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_organiser", False))


class CockpitSite(admin.AdminSite):
    def get_urls(self):
        from . import views

        return [
            path("statistics/", self.admin_view(views.statistics_view), name="statistics"),
            path(
                "statistics/export.csv",
                self.admin_view(views.export_csv),
                name="statistics_csv",
            ),
            path(
                "statistics/export.xlsx",
                self.admin_view(views.export_xlsx),
                name="statistics_xlsx",
            ),
            *super().get_urls(),
        ]

    def get_app_list(self, request, app_label=None):
        superuser = request.user.is_superuser
        if app_label is not None:
            app_list = super().get_app_list(request, app_label)
            if not superuser:
                for app in app_list:
                    app["models"] = [m for m in app["models"] if _label(m) not in groups.TECHNICAL]
                app_list = [app for app in app_list if app["models"]]
            return app_list
        return grouped_app_list(self._build_app_dict(request), superuser=superuser)

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        if is_organiser(request.user):
            from . import selectors

            context["cockpit"] = selectors.cockpit(request.user)
        return super().index(request, extra_context=context)


def grouped_app_list(app_dict, *, superuser: bool) -> list[dict]:
    """Django's app dictionaries regrouped as ``groups.GROUPS`` says."""
    entries = {}
    for app in app_dict.values():
        for model in app["models"]:
            entries[_label(model)] = (app, model)
    app_list = []
    placed = set()
    for key, name, labels in groups.GROUPS:
        models = []
        app_url = None
        for label in labels:
            if label not in entries:
                continue
            placed.add(label)
            app, model = entries[label]
            if label in groups.FILTERED and not superuser:
                query, title = groups.FILTERED[label]
                model = {**model, "name": title, "add_url": None}
                model["admin_url"] = f"{model['admin_url']}?{query}" if model["admin_url"] else None
            models.append(model)
            app_url = app_url or app["app_url"]
        if models:
            app_list.append(
                {
                    "name": name,
                    "app_label": key,
                    "app_url": app_url,
                    "has_module_perms": True,
                    "models": models,
                }
            )
    rest = [
        entries[label][1]
        for label in sorted(entries)
        if label not in placed and (superuser or label not in groups.TECHNICAL)
    ]
    if rest:
        key, name = groups.TECHNICAL_GROUP
        rest.sort(key=lambda model: str(model["name"]))
        app_list.append(
            {
                "name": name,
                "app_label": key,
                "app_url": entries[_label(rest[0])][0]["app_url"],
                "has_module_perms": True,
                "models": rest,
            }
        )
    return app_list

"""The public changelog of an event's programme (issue 16, item 6): every released version,
newest first, with the organisers' note and what moved, changed, was added or removed."""

from __future__ import annotations

from django.views.decorators.http import require_http_methods

from forum.shortcuts import render_page

from . import selectors_releases
from .views import _event


@require_http_methods(["GET", "HEAD"])
def changelog(request, slug):
    event = _event(request, slug)
    return render_page(
        request,
        "events/changelog.html",
        {"event": event, "releases": selectors_releases.releases_of(event)},
    )

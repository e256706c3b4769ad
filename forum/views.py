from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe


def landing(request):
    from events.selectors import landing_events
    from research_needs.selectors import landing_needs

    return render(
        request,
        "forum/landing.html",
        {
            "landing_events": landing_events(request.user),
            "landing_needs": landing_needs(request.user),
        },
    )


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 otherwise (for load balancers and compose)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page links; send them to
    the static icon. Not permanent: the hashed name changes with the icon."""
    return HttpResponseRedirect(static("img/favicon.ico"))

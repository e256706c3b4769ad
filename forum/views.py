from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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

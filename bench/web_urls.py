"""The site's URLs plus two yardsticks: ``/bench/trivial/``, the cheapest response Django
gives through the full middleware stack (for P3), and ``/bench/member-post/``, the cheapest
answer to a logged-in member's form (for P5)."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from forum.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def member_post(request):
    """What every registration's POST costs before it registers anyone: the CSRF check,
    the member's session and account, a message for the next page kept in the session,
    and the redirect; nothing else. Its rate in the same run is the most a synchronous
    registration could reach (bench/bench_registrations.py)."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    messages.info(request, "bench")
    return redirect("/")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/member-post/", member_post),
    *site_urlpatterns,
]

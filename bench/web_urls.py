"""The site's URLs plus ``/bench/trivial/``: the cheapest response Django gives through the
full middleware stack, the yardstick for P3."""

from django.http import HttpResponse
from django.urls import path

from forum.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]

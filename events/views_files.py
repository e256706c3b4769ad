"""Downloads of events: programme and badge PDFs, calendars (owned by the documents helper).

Stubs until filled in; the URL names are fixed in events/urls.py."""

from django.http import Http404


def programme_pdf(request, slug):
    raise Http404


def calendar(request, slug):
    raise Http404


def item_calendar(request, slug, pk):
    raise Http404


def feed(request, token):
    raise Http404


def badges_pdf(request, slug):
    raise Http404

"""Create forms without a natural key are handled once per page view (issue 11).

A need or a message has nothing that tells a second, identical submission from a new one:
a double click, a reload after a slow answer or a retried request would create it twice.
The form carries a one-time token (``{% form_once %}`` from ``forum_tags``); the view is
wrapped in ``@submit_once``. The first POST with a token stores it together with the
page it redirected to, in the same transaction as what it created; a second POST with
the token (even at the same moment: it waits on the unique index until the first one
commits) is sent to that page instead of creating again. A POST that did not succeed
(a form error) leaves no token behind, so correcting the form and sending it works.
Forms without a natural key only: where one exists, the service locks and decides by it.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from functools import wraps

from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone

from .models import SubmissionToken

FIELD = "form_once"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP = timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def submit_once(view):
    """Runs a POST with a valid token at most once; every later POST with it gets the
    first one's redirect. Requests without a token are handled as before."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.match(token):
            return view(request, *args, **kwargs)
        user_id = request.user.pk if request.user.is_authenticated else None
        with transaction.atomic():
            seen, created = SubmissionToken.objects.get_or_create(
                token=token, defaults={"user_id": user_id}
            )
            if not created:
                if seen.user_id == user_id and seen.redirect_to:
                    return redirect(seen.redirect_to)
                return view(request, *args, **kwargs)
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303):
                seen.redirect_to = response["Location"][:500]
                seen.save(update_fields=["redirect_to"])
                SubmissionToken.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
            else:  # not handled (a form error): the token stays usable
                transaction.set_rollback(True)
            return response

    return wrapper

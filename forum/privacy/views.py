"""Data export and account deletion for the logged-in user (PRODUCT.md 3.5)."""

import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import registry
from .forms import AccountDeleteForm


@login_required
@require_GET
def overview(request):
    return render(request, "privacy/overview.html", {"sections": registry.sections()})


@never_cache
@login_required
@require_GET
def export(request):
    data = registry.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"forum-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    user = request.user
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST":
        # Guessing the password through this form is throttled like allauth's reauthentication.
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
        if limited:
            return limited
        if form.is_valid():
            try:
                registry.erase_user(user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(
                    request, _("Your account and your personal data have been deleted.")
                )
                return redirect(reverse("landing"))
    # An invalid form answers 400 through forum.middleware.InvalidFormStatusMiddleware.
    return TemplateResponse(request, "privacy/delete.html", {"form": form})

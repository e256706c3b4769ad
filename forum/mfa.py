"""Staff must use two-factor authentication before the admin opens (issue 10).

An organiser's password alone opens every member's data, so with
``FORUM_STAFF_REQUIRE_MFA`` (on by default when ``DEBUG=0``) a staff user without an
activated authenticator app who asks for any admin page is sent to allauth's page that sets
one up, with a message saying why. Once the app is active, allauth itself asks for a code
after the password at every login. Members may use it too (a link on their account page);
they are never forced.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def staff_mfa_required(user) -> bool:
    """Whether ``user`` must set up two-factor authentication before using the admin."""
    from allauth.mfa.utils import is_mfa_enabled

    return bool(
        getattr(settings, "FORUM_STAFF_REQUIRE_MFA", False)
        and user.is_authenticated
        and user.is_staff
        and not is_mfa_enabled(user)
    )


class StaffMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        if match.url_name in {"login", "logout"}:
            return None  # the login goes through allauth's; logging out is always allowed
        if not staff_mfa_required(request.user):
            return None
        messages.warning(
            request,
            _(
                "The administration is only available with two-factor authentication. "
                "Please set up an authenticator app for your account first."
            ),
        )
        return redirect("mfa_activate_totp")

"""allauth hooks for members/: where a user lands after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Users without an organisation go to onboarding first; members to their account."""
        from .permissions import is_organiser, membership_of

        user = request.user
        if membership_of(user) is None and not is_organiser(user):
            return reverse("members:onboarding")
        return super().get_login_redirect_url(request)

"""allauth hooks for members/: where a user lands after logging in, and how its mail is sent."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.signup import prevent_enumeration
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import get_language

from forum.notifications.services import notify


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Users without an organisation go to onboarding first; members to their account."""
        from .permissions import is_organiser, membership_of

        user = request.user
        if membership_of(user) is None and not is_organiser(user):
            return reverse("members:onboarding")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        """Two sign-ups with one new address at the same moment both pass the form's check;
        the second insert then hits the unique email index. It gets the answer a sign-up
        with a known address gets (allauth's "check your inbox" page, and a mail saying an
        account exists), not a 500."""
        if not commit:
            return super().save_user(request, user, form, commit=False)
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit=True)
        except IntegrityError:
            email = form.cleaned_data.get("email") or ""
            if not get_user_model().objects.filter(email__iexact=email).exists():
                raise
            raise ImmediateHttpResponse(prevent_enumeration(request, email=email)) from None

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (address confirmation, password reset, ...) go through the
        notification outbox like every other mail, so an SMTP or broker outage delays them
        instead of losing them. allauth renders them now, in the request's language; the
        outbox keeps the rendered text (a secret link: hidden in the admin, emptied once
        sent)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", []) or []
                if mimetype == "text/html"
            ),
            "",
        )
        body = message.body
        if message.content_subtype == "html":
            html, body = message.body, ""
        user = context.get("user")
        notify(
            kind="account.mail",
            recipient=user if getattr(user, "pk", None) else None,
            email=email,
            language=get_language(),
            context={
                "template": template_prefix,
                "subject": message.subject,
                "body": body,
                "html": html,
            },
        )

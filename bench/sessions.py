"""People for the HTTP benchmarks and the cookies a browser would send after they logged in.

A login through the site costs a password hash and allauth's rate limits; the benchmarks
measure pages, so the session is written directly as Django's login would write it (user,
backend, password hash digest) together with a CSRF secret for the forms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Login:
    session_key: str
    csrf: str

    @property
    def cookie(self) -> str:
        from django.conf import settings

        return (
            f"{settings.SESSION_COOKIE_NAME}={self.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}"
        )

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie}


def login(user) -> Login:
    """A stored session of ``user`` as ``django.contrib.auth.login`` leaves it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return Login(session.session_key, _get_new_csrf_string())


def member(email: str = "bench-member@example.org", organisation=None):
    """A member of ``organisation`` (by default an approved one of its own)."""
    from members.models import Membership, Organisation, User

    user = User.objects.create_user(email=email, first_name="Bench", last_name="Member")
    if organisation is None:
        slug = email.split("@")[0]
        organisation = Organisation.objects.create(
            name=f"{slug} GmbH",
            slug=slug,
            kind=Organisation.Kind.COMPANY,
            city="Goslar",
            federal_state="NI",
            status=Organisation.Status.APPROVED,
        )
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    return user


def organiser(email: str = "bench-organiser-admin@example.org"):
    """A staff member of the Organisers group with an authenticator app, as production
    demands before the admin opens (forum/mfa.py)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from forum.organisers import ORGANISERS_GROUP
    from members.models import User

    user = User.objects.create_user(email=email, first_name="Bench", last_name="Organiser")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    TOTP.activate(user, generate_totp_secret())
    return user

"""Authentication backends that read the logged-in user through the cache (issue 17).

Django reads the user of a session on every request. These backends are Django's and
allauth's, with that one read (``get_user``) served by ``members.cache.user``: the user's
row kept under a generation of their own, with their membership and unread count in the
same round trip. Everything else (logging in, the password check, ``is_active``) is theirs
unchanged, and Django still checks the session's password hash against the row.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import cache


def _read(user_pk):
    model = get_user_model()
    try:
        return model._default_manager.get(pk=user_pk)
    except model.DoesNotExist:
        return None


class _KeptUser:
    def get_user(self, user_id):
        user = cache.user(user_id, _read)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_KeptUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_KeptUser, AllauthBackend):
    pass

"""Issue 17: the logged-in user is read through the cache (members/auth_backends.py), with
their membership and unread count in the same round trip, and every change of the user acts
on the next request: deactivation, a new password, new groups, deletion. Transactional
tests: only rows read outside a transaction are kept."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.organisers import ORGANISERS_GROUP
from members.auth_backends import AuthenticationBackend, ModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:directory"))
    reads_user = any('FROM "members_user"' in q["sql"] for q in queries.captured_queries)
    return response, reads_user


def test_the_next_request_reads_the_user_from_the_cache(client):
    user = UserFactory()
    client.force_login(user)
    first, read_first = _home(client)
    second, read_second = _home(client)

    assert first.status_code == second.status_code == 200
    assert read_first and not read_second
    assert second.wsgi_request.user == user


def _deactivate(user):
    user.is_active = False


def _new_password(user):
    user.set_password("ein-ganz-neues-Passwort-2026")


@pytest.mark.parametrize("change", [_deactivate, _new_password])
def test_a_deactivated_user_or_a_new_password_ends_the_session_on_the_next_request(client, change):
    user = UserFactory()
    client.force_login(user)
    _home(client)
    _home(client)

    change(user)
    user.save()
    response, _read = _home(client)
    assert not response.wsgi_request.user.is_authenticated


def test_a_deleted_user_is_gone_on_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    _home(client)
    user.delete()
    response, _read = _home(client)
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_new_rights_show_at_once_from_either_side(backend):
    user = UserFactory()
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    assert not backend().get_user(user.pk).is_staff
    user.is_staff = True
    user.save()
    assert backend().get_user(user.pk).is_staff
    assert not backend().get_user(user.pk).is_organiser

    group.user_set.add(user)  # from the group's side
    assert backend().get_user(user.pk).is_organiser
    group.user_set.clear()
    assert not backend().get_user(user.pk).is_organiser
    user.groups.add(group)  # from the user's side
    assert backend().get_user(user.pk).is_organiser


def test_the_kept_user_is_the_row_not_what_a_request_added(client):
    user = UserFactory()
    client.force_login(user)
    _home(client)
    kept = ModelBackend().get_user(user.pk)
    assert not hasattr(kept, "_membership_cache")
    assert not hasattr(kept, "_is_organiser")

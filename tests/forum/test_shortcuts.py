"""forum.shortcuts.run_service: the one view block around a service call."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from forum.shortcuts import confirmed, run_service


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="get", data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_run_service_success_returns_result_and_message():
    request = _request()
    ok, result = run_service(request, lambda *, value: value * 2, value=21, success="Done.")
    assert (ok, result) == (True, 42)
    assert [str(m) for m in get_messages(request)] == ["Done."]


def test_run_service_success_message_may_use_the_result():
    request = _request()
    run_service(request, lambda: "Ada", success=lambda name: f"Hello {name}")
    assert [str(m) for m in get_messages(request)] == ["Hello Ada"]


def test_run_service_permission_denied_becomes_404():
    def refuse():
        raise PermissionDenied

    with pytest.raises(Http404):
        run_service(_request(), refuse)


def test_run_service_validation_error_goes_onto_the_form_field():
    form = NameForm({"name": "x"})
    assert form.is_valid()

    def refuse(**_):
        raise ValidationError({"title": "Too short."})

    ok, result = run_service(_request(), refuse, form=form, aliases={"title": "name"})
    assert (ok, result) == (False, None)
    assert form.errors == {"name": ["Too short."]}


def test_run_service_validation_error_without_form_is_a_message():
    request = _request()

    def refuse():
        raise ValidationError("Not now.")

    assert run_service(request, refuse, success="never") == (False, None)
    assert [str(m) for m in get_messages(request)] == ["Not now."]


def test_confirmed_only_for_the_confirmation_button():
    assert confirmed(_request("post", {"confirm": "yes"}))
    assert not confirmed(_request("post", {}))
    assert not confirmed(_request("get", {"confirm": "yes"}))

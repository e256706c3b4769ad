"""manage.py createadmin: the first superuser logs in before any mail could be sent."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

PASSWORD = "Harz-Admin-2026-lang!"


def login(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_createadmin_user_logs_in_without_confirmation_mail(client, db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createadmin", "--email", "Admin@Forum-Harz.example", "--noinput")

    user = get_user_model().objects.get()
    assert user.email == "admin@forum-harz.example"
    assert user.is_superuser and user.is_staff
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)
    response = login(client, "admin@forum-harz.example")
    assert response.status_code == 302
    assert "/accounts/confirm-email/" not in response["Location"]
    assert client.session["_auth_user_id"] == str(user.pk)
    assert mail.outbox == []


def test_createsuperuser_alone_cannot_log_in_before_mail_works(client, db, monkeypatch):
    """Canary: the reason for createadmin. Django's command leaves the address unconfirmed."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--email", "admin@forum-harz.example", "--noinput")

    response = login(client, "admin@forum-harz.example")

    assert "/accounts/confirm-email/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_createadmin_asks_for_the_password_twice(db, monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    call_command("createadmin", "--email", "admin@forum-harz.example")

    assert get_user_model().objects.get().check_password(PASSWORD)


def test_createadmin_refuses_different_passwords(db, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="do not match"):
        call_command("createadmin", "--email", "admin@forum-harz.example")
    assert not get_user_model().objects.exists()


def test_createadmin_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")

    with pytest.raises(CommandError, match=r"entirely numeric|komplett numerisch"):
        call_command("createadmin", "--email", "admin@forum-harz.example", "--noinput")
    assert not get_user_model().objects.exists()


def test_createadmin_noinput_needs_the_password_variable(db, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD"):
        call_command("createadmin", "--email", "admin@forum-harz.example", "--noinput")


def test_createadmin_refuses_an_existing_or_invalid_address(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createadmin", "--email", "admin@forum-harz.example", "--noinput")

    with pytest.raises(CommandError, match="exists already"):
        call_command("createadmin", "--email", "ADMIN@forum-harz.example", "--noinput")
    with pytest.raises(CommandError, match="not a valid email"):
        call_command("createadmin", "--email", "admin", "--noinput")
    assert get_user_model().objects.count() == 1

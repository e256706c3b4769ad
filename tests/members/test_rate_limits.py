"""allauth's rate limits protect the login, and the admin login goes through it too (issue 2.11)."""

from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def _login(client, email, password="wrong-password", next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


def test_login_failed_attempts_are_rate_limited(client, db):
    user = UserFactory()
    responses = [_login(client, user.email) for _ in range(5)]
    assert [r.status_code for r in responses] == [400] * 5
    # allauth allows 5 failed attempts per address in 5 minutes; then even the right
    # password is refused, with a message saying why.
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert "too many" in response.content.decode().lower() or "zu viele" in (
        response.content.decode().lower()
    )
    assert "_auth_user_id" not in client.session


def test_login_right_password_before_limit_logs_in(client, db):
    user = UserFactory()
    for _ in range(4):
        _login(client, user.email)
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_admin_login_goes_through_rate_limited_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    user = UserFactory(is_staff=True)
    for _ in range(5):
        _login(client, user.email, next_url="/admin/")
    response = _login(client, user.email, PASSWORD, next_url="/admin/")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_invalid_form_answers_400_and_keeps_email(client, db):
    response = _login(client, "nobody@example.org")
    assert response.status_code == 400
    assert 'value="nobody@example.org"' in response.content.decode()

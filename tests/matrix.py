"""The one permission-matrix helper (pretix ``tests/control/test_permissions.py``): URLs by
roles → expected answer. Each app's ``test_permissions.py`` lists its rows and a ``world``
fixture whose ``"users"`` maps each role to a user (``None`` for a visitor).

A row is ``(url name, method, args(world), expectations per role[, data])``; ``data`` is a
dict or a callable (no arguments) returning one. An expectation is a status code, :data:`LOGIN` (sent to the
login page) or :data:`ANY` (not checked here, e.g. served by a helper with its own tests).
"""

import pytest
from django.urls import reverse

LOGIN = "login"
ANY = "any"


def cases(rows, roles, prefix=""):
    """One ``pytest.param(name, method, args, role, expected, data)`` per row and role, ANY
    left out. Use with ``MATRIX_ARGS`` as the parametrize names."""
    params = []
    for index, row in enumerate(rows):
        name, method, args, expectations = row[:4]
        data = row[4] if len(row) > 4 else None
        for role, expected in zip(roles, expectations, strict=True):
            if expected == ANY:
                continue
            params.append(
                pytest.param(
                    name, method, args, role, expected, data, id=f"{prefix}{name}-{index}-{role}"
                )
            )
    return params


MATRIX_ARGS = ("name", "method", "args", "role", "expected", "data")


def check(client, world, namespace, name, method, args, role, expected, data=None):
    """Opens the URL as the role and asserts the expected answer; returns the response."""
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url = reverse(f"{namespace}:{name}" if namespace else name, args=args(world))
    payload = data() if callable(data) else data
    response = getattr(client, method)(url, payload or {})
    if getattr(response, "streaming", False):
        response.close()
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {method.upper()} {url}: {response.status_code}"
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (
            f"{role} {method.upper()} {url}: {response.status_code}, expected {expected}"
        )
        if expected == 302:
            assert not response["Location"].startswith(reverse("account_login"))
    return response


def url_names(urlpatterns) -> set[str]:
    """The names of a URLconf's patterns, to prove a matrix covers every URL."""
    return {pattern.name for pattern in urlpatterns if getattr(pattern, "name", None)}

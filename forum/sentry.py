"""Optional error reports to Sentry, switched on by SENTRY_DSN (forum/settings.py).

Reports carry what is needed to find the bug (exception, stack without local variables,
request method and path, release, environment) and no personal data: no user, no cookies,
headers, query strings or form data, no client address.
"""

from __future__ import annotations

# Kept from an event's request: enough to tell which page failed.
_REQUEST_KEEP = {"method", "url"}


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Strips user and request data from an event (and its breadcrumbs) before it leaves."""
    event.pop("user", None)
    event.pop("server_name", None)
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: value for key, value in request.items() if key in _REQUEST_KEEP}
        if isinstance(kept.get("url"), str):
            kept["url"] = kept["url"].split("?", 1)[0].split("#", 1)[0]
        event["request"] = kept
    extra = event.get("extra")
    if isinstance(extra, dict):
        extra.pop("sys.argv", None)
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or []:
        if isinstance(crumb, dict):
            # SQL parameters, HTTP bodies and log arguments may name people.
            crumb.pop("data", None)
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_send_transaction=before_send,
        traces_sample_rate=traces_sample_rate,
    )

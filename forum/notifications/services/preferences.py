"""How each user wants their email: immediately, in the daily digest, or not at all."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import registry
from ..models import Delivery, NotificationPreference


def delivery_for(user, category: str) -> str:
    """How ``user`` wants email of ``category``: transactional mail is always immediate."""
    if registry.get_category(category).transactional:
        return Delivery.IMMEDIATELY
    chosen = (
        NotificationPreference.objects.filter(user=user, category=category)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or Delivery.IMMEDIATELY


def preferences_of(user) -> dict[str, str]:
    """Every switchable category with the user's choice (default: immediately)."""
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("category", "delivery")
    )
    return {
        category.key: chosen.get(category.key, Delivery.IMMEDIATELY)
        for category in registry.categories()
        if not category.transactional
    }


def preferences_update(*, actor, user, preferences: dict[str, str]) -> None:
    """Stores the user's choice per category. Transactional categories cannot be changed;
    notifications already waiting for a digest stay in it."""
    if actor.pk != user.pk:
        raise PermissionDenied
    valid = set(Delivery.values)
    errors = {}
    for key, delivery in preferences.items():
        try:
            category = registry.get_category(key)
        except ImproperlyConfigured:
            errors[key] = _("Unknown category.")
            continue
        if category.transactional:
            errors[key] = _("This kind of email is always sent and cannot be switched off.")
        elif delivery not in valid:
            errors[key] = _("Choose one of the offered options.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for key, delivery in preferences.items():
            NotificationPreference.objects.update_or_create(
                user=user, category=key, defaults={"delivery": delivery}
            )

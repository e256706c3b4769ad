"""research_needs' receivers of signals from the apps below it (connected in ``ready()``)."""

from django.dispatch import receiver

from members.signals import organisation_deactivated

from . import services


@receiver(organisation_deactivated, dispatch_uid="research_needs.organisation_deactivated")
def withdraw_answers_and_needs(sender, *, organisation, actor, **kwargs) -> dict:
    """An organisation nobody speaks for any more: its open answers are withdrawn (the needs'
    owners are told) and its own open needs closed as withdrawn, since nobody is left to
    read answers to them."""
    return services.organisation_answers_and_needs_withdraw(organisation=organisation, actor=actor)

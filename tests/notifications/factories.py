"""Outbox rows as they stand in the database, e.g. after the broker lost their task.

Tests that are about recording go through ``services.notify()``; these are for tests about
what happens to rows that already exist (delivery, digest, list, admin, privacy).
"""

from datetime import timedelta

import factory
from django.utils import timezone

from forum.notifications.models import EmailState, Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    category = "organisation"
    kind = "members.member_joined"
    context = factory.Sequence(
        lambda n: {
            "member_name": f"Person {n}",
            "organisation_name": "Harzer Zinkhütte GmbH",
            "url": "/members/harzer-zinkhuette/people/",
        }
    )
    language = "de"
    email_state = EmailState.PENDING
    email_next_attempt_at = factory.LazyFunction(timezone.now)

    class Params:
        stale = factory.Trait(
            email_next_attempt_at=factory.LazyFunction(
                lambda: timezone.now() - timedelta(minutes=10)
            )
        )
        sent = factory.Trait(
            email_state=EmailState.SENT,
            email_attempts=1,
            email_sent_at=factory.LazyFunction(timezone.now),
        )
        failed = factory.Trait(
            email_state=EmailState.FAILED,
            email_attempts=5,
            email_last_error="SMTPDataError: (451, b'4.3.0 Try again later')",
        )
        digest = factory.Trait(email_state=EmailState.DIGEST)

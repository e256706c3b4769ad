"""The landing page features the next forum (issue 16, item 1): dates, place, a register
button while registration is open; the other next events follow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_landing_features_the_next_forum_with_register_button(client, host):
    workshop = EventFactory(title="Workshop vorher")
    forum = EventFactory(two_days=True, host=host, title="6. Innovationsforum", slug="forum-x")
    forum.starts_at = workshop.starts_at + timedelta(days=10)
    forum.ends_at = forum.starts_at + timedelta(days=1, hours=8)
    forum.save()
    EventFactory(
        two_days=True,
        title="7. Innovationsforum",
        starts_at=forum.starts_at + timedelta(days=300),
        ends_at=forum.ends_at + timedelta(days=300),
    )

    response = client.get(reverse("landing"))

    content = response.content.decode()
    assert response.context["landing_forum"] == forum
    assert "6. Innovationsforum" in content and forum.venue_name in content
    assert reverse("events:register", args=[forum.slug]) in content
    assert reverse("events:programme", args=[forum.slug]) in content
    # The featured forum is not listed twice; the later forum is one of the next events.
    titles = [event.title for event in response.context["landing_events"]]
    assert titles == ["Workshop vorher", "7. Innovationsforum"]


def test_no_register_button_when_registration_is_not_open(client):
    forum = EventFactory(two_days=True, registration_opens_at=timezone.now() + timedelta(days=5))

    content = client.get(reverse("landing")).content.decode()

    assert forum.title in content
    assert reverse("events:register", args=[forum.slug]) not in content


@pytest.mark.parametrize("trait", ["draft", "cancelled", "past"])
def test_landing_features_no_forum_that_is_not_ahead_and_published(client, trait):
    EventFactory(two_days=True, **{trait: True})

    response = client.get(reverse("landing"))

    assert response.context["landing_forum"] is None


@pytest.mark.parametrize("count", [1, 30])
def test_landing_forum_and_events_one_query(django_assert_num_queries, count):
    for n in range(count):
        EventFactory(two_days=n % 10 == 9)

    with django_assert_num_queries(1):
        forum, events = selectors.landing_forum_and_events(None)

    assert (forum is not None) == (count >= 10)
    assert len(events) == min(count, 3) and forum not in events

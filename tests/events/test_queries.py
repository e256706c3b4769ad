"""Events pages render in a constant number of queries, whatever the list length
(PRODUCT.md 6, P1: at most 12)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from events import selectors
from tests.factories import (
    EventFactory,
    MembershipFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 30])
def test_event_list_queries_constant(client, member, django_assert_num_queries, count):
    for n in range(count):
        EventFactory(past=n % 2 == 0)
    client.force_login(member)

    # 3, was 4: the session comes from the cache (issue 17)
    with django_assert_num_queries(3):
        response = client.get(reverse("events:list"))

    assert len(response.context["upcoming"]) + len(response.context["past"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_event_detail_queries_constant(client, member, forum, django_assert_num_queries, count):
    room = RoomFactory(event=forum)
    speakers = [SpeakerFactory(event=forum, organisation=MembershipFactory().organisation)]
    for n in range(count):
        ProgrammeItemFactory(
            event=forum,
            starts_at=forum.starts_at + timedelta(hours=(n % 2) * 24, minutes=n * 10),
            room=room if n % 3 else None,
            speakers=speakers,
            capacity=10 if n % 5 == 0 else None,
        )
    client.force_login(member)

    # 7, was 8: the session comes from the cache (issue 17)
    with django_assert_num_queries(7):
        response = client.get(reverse("events:detail", args=[forum.slug]))

    assert sum(len(items) for _day, items in response.context["days"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_item_detail_queries_constant(client, forum, django_assert_num_queries, count):
    item = ProgrammeItemFactory(
        event=forum, speakers=[SpeakerFactory(event=forum) for _ in range(min(count, 6))]
    )

    with django_assert_num_queries(3):
        client.get(reverse("events:item", args=[forum.slug, item.pk]))


@pytest.mark.parametrize("count", [1, 30])
def test_exhibitors_queries_constant(client, forum, django_assert_num_queries, count):
    StandFactory.create_batch(count, event=forum, confirmed=True)

    with django_assert_num_queries(2):
        response = client.get(reverse("events:exhibitors", args=[forum.slug]))

    assert len(response.context["stands"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_attendees_queries_constant(
    client, organiser_user, forum, django_assert_num_queries, count
):
    organisation = MembershipFactory().organisation
    for n in range(count):
        RegistrationFactory(event=forum, organisation=organisation if n % 2 else None)
    client.force_login(organiser_user)

    # 6, was 7: the session comes from the cache (issue 17)
    with django_assert_num_queries(6):
        response = client.get(reverse("events:attendees", args=[forum.slug]))

    assert len(response.context["attendees"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_checkin_search_queries_constant(
    client, organiser_user, forum, django_assert_num_queries, count
):
    organisation = MembershipFactory().organisation
    for n in range(count):
        RegistrationFactory(
            event=forum, name=f"Müller {n}", organisation=organisation if n % 2 else None
        )
    client.force_login(organiser_user)

    # 6, was 7: the session comes from the cache (issue 17)
    with django_assert_num_queries(6):
        response = client.get(reverse("events:checkin", args=[forum.slug]), {"q": "müller"})

    assert len(response.context["results"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_my_registrations_queries_constant(client, member, django_assert_num_queries, count):
    for n in range(count):
        event = EventFactory(past=n % 3 == 0)
        registration = RegistrationFactory(event=event, user=member, email=member.email)
        if n % 2:
            session = ProgrammeItemFactory(event=event, capacity=5)
            registration.session_signups.create(item=session)
    client.force_login(member)

    # 5, was 6: the session comes from the cache (issue 17)
    with django_assert_num_queries(5):
        response = client.get(reverse("events:my_registrations"))

    assert len(response.context["registrations"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_registration_page_queries_constant(client, forum, django_assert_num_queries, count):
    sessions = [
        ProgrammeItemFactory(
            event=forum, capacity=5, starts_at=forum.starts_at + timedelta(hours=n)
        )
        for n in range(min(count, 8))
    ]
    registration = RegistrationFactory(event=forum)
    for session in sessions:
        registration.session_signups.create(item=session)

    with django_assert_num_queries(3):
        client.get(reverse("events:registration", args=[registration.token]))


@pytest.mark.parametrize("count", [1, 30])
def test_landing_and_organisation_hooks_one_or_two_queries(django_assert_num_queries, forum, count):
    organisation = MembershipFactory().organisation
    speaker = SpeakerFactory(event=forum, organisation=organisation)
    for n in range(count):
        EventFactory()
        ProgrammeItemFactory(
            event=forum,
            speakers=[speaker],
            starts_at=forum.starts_at + timedelta(minutes=30 * n),
        )
    StandFactory(event=forum, organisation=organisation, confirmed=True)

    with django_assert_num_queries(1):
        events = selectors.landing_events(None)
    with django_assert_num_queries(2):
        presence = selectors.organisation_page_presence(organisation, None)

    assert len(events) == min(count + 1, 3)
    assert len(presence["talks"]) == count
    assert len(presence["stands"]) == 1

"""The meetings page (issue 14): bad input answers 4xx with a message, double clicks make
one object, the filters narrow the list and those sharing topics come first."""

import pytest
from django.urls import reverse

from events.models_meetings import MeetingParticipant, MeetingRequest
from members.models import Organisation, Topic
from tests.events.test_meetings import attendee, meeting_event, opted_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _page(event):
    return reverse("events:meetings", kwargs={"slug": event.slug})


def test_opting_in_without_a_slot_answers_400_with_the_reason(client):
    event = meeting_event()
    user = attendee(event)
    client.force_login(user)
    response = client.post(_page(event), {"offer": "x", "looking_for": "y"})
    assert response.status_code == 400
    assert "Wählen Sie mindestens ein Zeitfenster." in response.content.decode()
    assert not MeetingParticipant.objects.exists()


def test_opting_in_with_a_foreign_slot_answers_400(client):
    event, other = meeting_event(), meeting_event()
    client.force_login(attendee(event))
    response = client.post(_page(event), {"slots": [other.meeting_slots.first().pk]})
    assert response.status_code == 400


def test_opting_in_and_requesting_twice_makes_one_of_each(client):
    event = meeting_event()
    user, other = attendee(event), attendee(event)
    target = opted_in(event, other)
    client.force_login(user)
    slots = [slot.pk for slot in event.meeting_slots.all()]
    for _ in range(2):
        assert client.post(_page(event), {"slots": slots}).status_code == 302
    url = reverse("events:meeting_request", kwargs={"slug": event.slug, "pk": target.pk})
    for _ in range(2):
        assert client.post(url, {"message": "Hallo"}).status_code == 302
    assert MeetingParticipant.objects.filter(event=event).count() == 2
    assert MeetingRequest.objects.count() == 1


def test_a_too_long_message_answers_400(client):
    event = meeting_event()
    user, other = attendee(event), attendee(event)
    opted_in(event, user)
    target = opted_in(event, other)
    client.force_login(user)
    url = reverse("events:meeting_request", kwargs={"slug": event.slug, "pk": target.pk})
    response = client.post(url, {"message": "x" * 1001})
    assert response.status_code == 400
    assert not MeetingRequest.objects.exists()


def test_a_request_of_another_event_is_not_found(client):
    event, other_event = meeting_event(), meeting_event()
    a, b = attendee(other_event), attendee(other_event)
    opted_in(other_event, a)
    from events.services import meetings as services

    request = services.meeting_request_send(
        event=other_event, actor=a, recipient=opted_in(other_event, b), message=""
    )
    client.force_login(b)
    url = reverse("events:meeting_answer", kwargs={"slug": event.slug, "pk": request.pk})
    assert client.post(url, {"answer": "accept"}).status_code == 404


def test_the_list_filters_and_puts_shared_topics_first(client):
    event = meeting_event()
    weee, hydro = Topic.objects.all()[:2]
    mine = OrganisationFactory()
    mine.topics.set([weee])
    near = OrganisationFactory(name="Nahe GmbH", kind=Organisation.Kind.RESEARCH)
    near.topics.set([weee])
    far = OrganisationFactory(name="Ferne GmbH")
    far.topics.set([hydro])
    me = attendee(event, organisation=mine)
    opted_in(event, me)
    opted_in(event, attendee(event, organisation=far, name="Aaron Fern"))
    opted_in(event, attendee(event, organisation=near, name="Zora Nah"))
    client.force_login(me)
    names = [row[0].registration.name for row in client.get(_page(event)).context["others"]]
    assert names == ["Zora Nah", "Aaron Fern"]  # the shared topic before the alphabet
    response = client.get(_page(event), {"kind": "research"})
    assert [row[0].registration.name for row in response.context["others"]] == ["Zora Nah"]
    response = client.get(_page(event), {"topic": hydro.pk})
    assert [row[0].registration.name for row in response.context["others"]] == ["Aaron Fern"]

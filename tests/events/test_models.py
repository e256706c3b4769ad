from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
)

pytestmark = pytest.mark.django_db


def test_event_days_span_berlin_dates():
    event = EventFactory(two_days=True)
    first = event.days()[0]
    assert event.days() == [first, first + timedelta(days=1)]
    assert isinstance(first, date)


def test_event_must_end_after_start():
    event = EventFactory.build(ends_at=EventFactory.build().starts_at)
    event.ends_at = event.starts_at
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "ends_at" in error.value.message_dict


def test_item_outside_event_refused():
    event = EventFactory()
    item = ProgrammeItemFactory.build(
        event=event, starts_at=event.ends_at, ends_at=event.ends_at + timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert "starts_at" in error.value.message_dict


def test_item_room_of_another_event_refused():
    event = EventFactory()
    item = ProgrammeItemFactory.build(event=event, room=RoomFactory())
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert "room" in error.value.message_dict


def test_registration_email_stored_lower_and_unique_per_event():
    registration = RegistrationFactory(email="Anna.Berg@Example.org")
    assert registration.email == "anna.berg@example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=registration.event, email="ANNA.berg@example.org")


def test_registration_secrets_differ():
    registration = RegistrationFactory()
    assert len(registration.token) >= 40
    assert registration.token != registration.checkin_code


def test_one_active_stand_per_organisation_but_declined_may_reapply():
    stand = StandFactory(status="declined")
    StandFactory(event=stand.event, organisation=stand.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandFactory(event=stand.event, organisation=stand.organisation)


def test_speaker_affiliation_prefers_organisation():
    speaker = SpeakerFactory(organisation_name="Fallback")
    assert speaker.affiliation == "Fallback"
    stand = StandFactory()
    speaker.organisation = stand.organisation
    assert speaker.affiliation == stand.organisation.name

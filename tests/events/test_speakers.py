"""Speakers of an event and a page per speaker (issue 16): bio, organisation (linked when its
page is public), items; linked from items and from the organisation's page; drafts hidden."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    OrganisationFactory,
    ProgrammeItemFactory,
    RoomFactory,
    SpeakerFactory,
)
from tests.members.html import check_page

pytestmark = pytest.mark.django_db


def test_speaker_page_shows_bio_organisation_and_items(client, forum, org):
    speaker = SpeakerFactory(event=forum, name="Dr. Erika Muster", organisation=org, bio="Forscht.")
    item = ProgrammeItemFactory(event=forum, speakers=[speaker], title="Indium zurückgewinnen")

    response = client.get(reverse("events:speaker", args=[forum.slug, speaker.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    check_page(response.content)
    assert "Dr. Erika Muster" in content and "Forscht." in content
    assert f'href="{org.get_absolute_url()}"' in content
    assert reverse("events:item", args=[forum.slug, item.pk]) in content


def test_pending_organisation_is_named_not_linked(client, forum):
    pending = OrganisationFactory(name="Neue Recycling GmbH", status="pending")
    speaker = SpeakerFactory(event=forum, organisation=pending)

    for url in (
        reverse("events:speaker", args=[forum.slug, speaker.pk]),
        reverse("events:speakers", args=[forum.slug]),
    ):
        content = client.get(url).content.decode()
        assert "Neue Recycling GmbH" in content
        assert pending.get_absolute_url() not in content


def test_speaker_of_another_event_is_404(client, forum):
    other = SpeakerFactory(event=EventFactory())

    response = client.get(reverse("events:speaker", args=[forum.slug, other.pk]))

    assert response.status_code == 404


def test_draft_speakers_hidden_from_visitors(client, organiser_user, host):
    draft = EventFactory(draft=True, host=host)
    speaker = SpeakerFactory(event=draft)
    urls = [
        reverse("events:speakers", args=[draft.slug]),
        reverse("events:speaker", args=[draft.slug, speaker.pk]),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(organiser_user)
    assert [client.get(url).status_code for url in urls] == [200, 200]


def test_speaker_list_links_each_speaker(client, forum):
    speakers = [SpeakerFactory(event=forum, name=name) for name in ("Berta", "Anton")]

    response = client.get(reverse("events:speakers", args=[forum.slug]))

    check_page(response.content)
    assert [s.name for s in response.context["speakers"]] == ["Anton", "Berta"]
    for speaker in speakers:
        assert reverse("events:speaker", args=[forum.slug, speaker.pk]) in (
            response.content.decode()
        )


def test_item_and_event_pages_link_speakers(client, forum):
    speaker = SpeakerFactory(event=forum)
    item = ProgrammeItemFactory(event=forum, speakers=[speaker])
    link = reverse("events:speaker", args=[forum.slug, speaker.pk])

    assert link in client.get(item.get_absolute_url()).content.decode()
    assert link in client.get(forum.get_absolute_url()).content.decode()


def test_organisation_page_links_its_speakers(client, forum, org):
    speaker = SpeakerFactory(event=forum, organisation=org, name="Dr. Erika Muster")
    colleague = SpeakerFactory(event=forum, name="Fremder Gast")
    ProgrammeItemFactory(event=forum, speakers=[speaker, colleague], title="Zink")

    content = client.get(org.get_absolute_url()).content.decode()

    assert reverse("events:speaker", args=[forum.slug, speaker.pk]) in content
    # Only the organisation's own speakers are named on its page.
    assert reverse("events:speaker", args=[forum.slug, colleague.pk]) not in content


def test_organisation_page_hides_speakers_of_draft_events(client, org, host):
    draft = EventFactory(draft=True, host=host)
    speaker = SpeakerFactory(event=draft, organisation=org)
    ProgrammeItemFactory(event=draft, speakers=[speaker])

    content = client.get(org.get_absolute_url()).content.decode()

    assert reverse("events:speaker", args=[draft.slug, speaker.pk]) not in content


@pytest.mark.parametrize("count", [1, 30])
def test_speakers_queries_constant(client, forum, django_assert_num_queries, count):
    room = RoomFactory(event=forum)
    organisation = OrganisationFactory()
    for n in range(count):
        speaker = SpeakerFactory(event=forum, organisation=organisation if n % 2 else None)
        ProgrammeItemFactory(
            event=forum,
            room=room,
            speakers=[speaker],
            starts_at=forum.starts_at + timedelta(minutes=10 * n),
        )

    with django_assert_num_queries(3):
        response = client.get(reverse("events:speakers", args=[forum.slug]))

    assert len(response.context["speakers"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_speaker_detail_queries_constant(client, forum, org, django_assert_num_queries, count):
    speaker = SpeakerFactory(event=forum, organisation=org)
    room = RoomFactory(event=forum)
    for n in range(count):
        ProgrammeItemFactory(
            event=forum,
            room=room,
            speakers=[speaker],
            starts_at=forum.starts_at + timedelta(minutes=10 * n),
        )

    with django_assert_num_queries(3):
        response = client.get(reverse("events:speaker", args=[forum.slug, speaker.pk]))

    assert len(response.context["speaker"].items.all()) == count

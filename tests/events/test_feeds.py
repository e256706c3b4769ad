"""Atom feeds of public needs and published events, and schema.org JSON-LD on event and item
pages (issue 16, item 7). Feeds are parsed as XML, JSON-LD as JSON; nothing a visitor may not
see gets in."""

import json
import re
from xml.etree import ElementTree

import pytest
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone

from events.models import BERLIN
from tests.factories import (
    EventFactory,
    NeedFactory,
    OrganisationFactory,
    ProgrammeItemFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_needs_feed_lists_public_needs_with_title_and_summary_only(client):
    poster = UserFactory(first_name="Petra", last_name="Poster")
    organisation = OrganisationFactory(name="Geheime Hütte GmbH")
    public = NeedFactory(title="Öffentlicher Bedarf", created_by=poster, contact_person=poster)
    members = NeedFactory(title="Nur für Mitglieder", members_only=True)
    anonymous = NeedFactory(title="Anonymer Bedarf", anonymous=True, organisation=organisation)
    NeedFactory(title="Entwurf", draft=True)
    NeedFactory(title="Eingereicht", submitted=True)

    response = client.get(reverse("feed_needs"))

    entries = _entries(response)
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Öffentlicher Bedarf"]
    (entry,) = entries
    assert entry.findtext(f"{ATOM}summary") == public.summary
    assert entry.find(f"{ATOM}author") is None
    assert entry.find(f"{ATOM}link").get("href").endswith(public.get_absolute_url())
    content = response.content.decode()
    for secret in (members.title, anonymous.title, "Geheime Hütte", "Petra", public.description):
        assert secret not in content


def test_events_feed_lists_published_events_only(client):
    published = EventFactory(title="Veröffentlicht")
    EventFactory(title="Noch ein Entwurf", draft=True)
    EventFactory(title="Abgesagt", cancelled=True)

    entries = _entries(client.get(reverse("feed_events")))

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Veröffentlicht"]
    assert entries[0].find(f"{ATOM}link").get("href").endswith(published.get_absolute_url())
    assert published.venue_name in entries[0].findtext(f"{ATOM}summary")


@pytest.mark.parametrize("count", [1, 30])
def test_feeds_queries_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        NeedFactory()
        EventFactory()

    Site.objects.clear_cache()

    # The site (for absolute links, cached after the first feed) and the needs.
    with django_assert_num_queries(2):
        assert len(_entries(client.get(reverse("feed_needs")))) == count
    with django_assert_num_queries(1):
        assert len(_entries(client.get(reverse("feed_events")))) == count


def _json_ld(response) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


def test_event_page_describes_the_event_as_schema_org(client, forum):
    forum.title = "Forum </script><b>"
    forum.save()

    response = client.get(forum.get_absolute_url())

    (data,) = _json_ld(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Forum </script><b>"
    assert "</script><b>" not in response.content.decode().split("ld+json")[1].split("</script>")[0]
    assert data["startDate"] == timezone.localtime(forum.starts_at, BERLIN).isoformat()
    assert data["location"]["name"] == forum.venue_name
    assert data["organizer"]["name"] == forum.host.name
    assert data["eventStatus"] == "https://schema.org/EventScheduled"


def test_item_page_describes_the_item_with_its_speakers(client, forum):
    room = RoomFactory(event=forum, name="Aula")
    speaker = SpeakerFactory(event=forum, name="Erika Muster")
    item = ProgrammeItemFactory(event=forum, room=room, speakers=[speaker], title="Indium")

    (data,) = _json_ld(client.get(item.get_absolute_url()))

    assert data["@type"] == "Event" and data["name"] == "Indium"
    assert data["performer"] == [
        {
            "@type": "Person",
            "name": "Erika Muster",
            "affiliation": {"@type": "Organization", "name": speaker.affiliation},
        }
    ]
    assert data["location"]["name"] == f"Aula, {forum.venue_name}"
    assert data["superEvent"]["url"].endswith(forum.get_absolute_url())


def test_cancelled_event_says_so_in_json_ld(client):
    event = EventFactory(cancelled=True)

    (data,) = _json_ld(client.get(event.get_absolute_url()))

    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_events_list_announces_its_feed(client):
    content = client.get(reverse("events:list")).content.decode()

    assert 'type="application/atom+xml"' in content and reverse("feed_events") in content

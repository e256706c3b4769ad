"""``/sitemap.xml`` (issue 16): public pages in both languages; no draft event, no need a
visitor may not see, no organisation that is not approved."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from forum.pages.models import Page
from tests.factories import (
    EventFactory,
    NeedFactory,
    OrganisationFactory,
    ProgrammeItemFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{NS}urlset"
    return [url.findtext(f"{NS}loc") for url in root.findall(f"{NS}url")], root


def test_sitemap_lists_public_pages_in_both_languages(client):
    event = EventFactory(slug="forum-2031")
    item = ProgrammeItemFactory(event=event)
    speaker = SpeakerFactory(event=event)
    need = NeedFactory()
    organisation = OrganisationFactory(slug="harzer-zink")
    Page.objects.create(
        slug="hp-seite", title_de="Impressum", title_en="Imprint", body_de="x", body_en="x"
    )

    locations, root = _locations(client)

    paths = {loc.split("://", 1)[1].split("/", 1)[1] for loc in locations}
    for path in (
        "",
        "events/",
        "needs/",
        "events/forum-2031/",
        "events/forum-2031/programme/",
        "events/forum-2031/speakers/",
        f"events/forum-2031/programme/{item.pk}/",
        f"events/forum-2031/speakers/{speaker.pk}/",
        f"needs/{need.pk}/",
        organisation.get_absolute_url().lstrip("/"),
        "pages/hp-seite/",
    ):
        assert path in paths, path
        assert f"en/{path}" in paths, f"en/{path}"
    alternates = root.find(f"{NS}url").findall(f"{XHTML}link")
    assert {link.get("hreflang") for link in alternates} >= {"de", "en", "x-default"}


def test_sitemap_leaves_out_what_visitors_may_not_see(client):
    draft = EventFactory(draft=True, slug="geheimer-entwurf")
    ProgrammeItemFactory(event=draft)
    SpeakerFactory(event=draft)
    members = NeedFactory(members_only=True)
    anonymous = NeedFactory(anonymous=True)
    unpublished = NeedFactory(submitted=True)
    pending = OrganisationFactory(slug="noch-nicht-geprueft", status="pending")

    locations, _root = _locations(client)

    text = "\n".join(locations)
    assert "geheimer-entwurf" not in text
    assert "noch-nicht-geprueft" not in text
    for need in (members, anonymous, unpublished):
        assert reverse("research_needs:detail", args=[need.pk]) not in text
    assert pending.get_absolute_url() not in text


@pytest.mark.parametrize("count", [1, 30])
def test_sitemap_queries_constant(client, django_assert_num_queries, count):
    for _ in range(count):
        event = EventFactory()
        ProgrammeItemFactory(event=event)
        SpeakerFactory(event=event)
        NeedFactory()

    with django_assert_num_queries(9):
        locations, _root = _locations(client)

    assert len(locations) > count * 2

"""Issue 17: the member directory's content from the cache, the same for everyone, kept per
language and query, renewed by every change it shows (organisations, memberships, topics,
competence profiles)."""

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, topic

pytestmark = pytest.mark.django_db


def _get(client, data=None, language="de", status=200):
    with translation.override(language):
        url = reverse("members:directory")
    response = client.get(url, data or {})
    assert response.status_code == status
    return response.content.decode()


def test_the_second_request_reads_no_organisations(client, org, django_assert_num_queries):
    first = _get(client)

    with django_assert_num_queries(0):
        second = _get(client)

    assert second == first
    assert org.name in first


def test_members_get_the_kept_content_in_their_own_page(client, org, member, outsider):
    _get(client)
    client.force_login(member)
    page = _get(client)

    assert org.name in page
    assert "csrfmiddlewaretoken" in page  # their logout form, rendered for them


def test_organisation_changes_show_at_once(client, org):
    assert org.name in _get(client)

    org.name = "Harzer Kreislauf AG"
    org.save()
    assert "Harzer Kreislauf AG" in _get(client)

    org.status = Organisation.Status.REJECTED
    org.save()
    assert "Harzer Kreislauf AG" not in _get(client)


def test_new_members_and_topics_show_at_once(client, org, admin, django_assert_num_queries):
    assert "1 member" in _get(client, language="en")

    MembershipFactory(organisation=org)
    assert "2 members" in _get(client, language="en")

    org.topics.add(topic("logistics"))
    assert f'topic-badge">{topic("logistics").name_de}<' in _get(client)


def test_filters_and_languages_are_kept_apart(client, org, other_org):
    org.kind = Organisation.Kind.RESEARCH
    org.save()
    german = _get(client)
    english = _get(client, language="en")
    research = _get(client, {"kind": "research"})

    assert "Mitgliederverzeichnis" in german
    assert "Member directory" in english
    assert org.name in research and other_org.name not in research
    assert other_org.name in _get(client, {"kind": other_org.kind})


def test_invalid_filters_answer_400_each_time(client, org):
    for _ in range(2):
        page = _get(client, {"kind": "no-such-kind"}, status=400)
        assert "is-invalid" in page


def test_a_new_organisation_shows_at_once(client, org):
    _get(client)
    OrganisationFactory(name="Neue Recycling GmbH", slug="neue-recycling")

    assert "Neue Recycling GmbH" in _get(client)

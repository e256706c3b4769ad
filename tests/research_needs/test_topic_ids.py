"""Need.topic_ids, kept by PostgreSQL's triggers (migration 0008) whatever changes the
topics: the search's topic filter reads it (P2, issue 17), so it must never drift from the
topics table."""

import pytest
from django.db import connection

from members.models import Topic
from research_needs.models import Need
from research_needs.selectors import search_needs
from tests.factories import NeedFactory, topic

pytestmark = pytest.mark.django_db


def stored(need) -> list[int]:
    return Need.objects.values_list("topic_ids", flat=True).get(pk=need.pk)


def ids(*slugs) -> list[int]:
    return sorted(topic(slug).pk for slug in slugs)


def test_set_add_remove_and_clear_keep_the_ids():
    need = NeedFactory(topics=[topic("battery-recycling")])
    assert stored(need) == ids("battery-recycling")

    need.topics.add(topic("slags-residues"))
    assert stored(need) == ids("battery-recycling", "slags-residues")

    need.topics.set([topic("slags-residues")])
    assert stored(need) == ids("slags-residues")

    need.topics.remove(topic("slags-residues"))
    assert stored(need) == []

    need.topics.add(topic("battery-recycling"))
    need.topics.clear()
    assert stored(need) == []


def test_a_stale_instance_saved_does_not_overwrite_the_ids():
    need = NeedFactory(topics=[topic("battery-recycling")])
    stale = Need.objects.get(pk=need.pk)
    need.topics.set([topic("slags-residues")])

    stale.title = "Neuer Titel"
    stale.topic_ids = [999_999]  # whatever a model instance holds
    stale.save()

    assert stored(need) == ids("slags-residues")
    Need.objects.filter(pk=need.pk).update(topic_ids=[1, 2, 3])
    assert stored(need) == ids("slags-residues")


def test_rows_written_to_the_topics_table_directly_and_a_deleted_topic():
    need, other = NeedFactory(topics=[]), NeedFactory(topics=[])
    through = Need.topics.through
    extra = Topic.objects.create(slug="test-extra", name_de="Extra", name_en="Extra", position=99)
    through.objects.bulk_create(
        [
            through(need=need, topic=extra),
            through(need=need, topic=topic("slags-residues")),
            through(need=other, topic=extra),
        ]
    )
    assert stored(need) == sorted([extra.pk, topic("slags-residues").pk])
    assert stored(other) == [extra.pk]

    extra.delete()
    assert stored(need) == ids("slags-residues")
    assert stored(other) == []

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM research_needs_need_topics WHERE need_id = %s", [need.pk])
    assert stored(need) == []


def test_topic_filter_follows_a_change_of_topics(stranger):
    need = NeedFactory(topics=[topic("battery-recycling")])
    assert [n.pk for n in search_needs(stranger, topic="battery-recycling")] == [need.pk]

    need.topics.set([topic("slags-residues")])
    assert list(search_needs(stranger, topic="battery-recycling")) == []
    assert [n.pk for n in search_needs(stranger, topic="slags-residues")] == [need.pk]
    assert list(search_needs(stranger, topic="no-such-topic")) == []

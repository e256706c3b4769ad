"""A published need's alert goes to the organisations it fits best, not only to topic
matches (issue 13, item 2): each person once, respecting their preferences, never to the
posting organisation or an opted-out one, never naming an anonymous poster. On the real
database with the recommendations' stored rows."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from forum.notifications.models import EmailState, Notification
from forum.notifications.services import preferences_update
from members.models import CompetenceProfile
from research_needs import notifications
from research_needs.matching import corpus
from research_needs.matching.selectors import SYSTEM, recommend_organisations_for_need
from research_needs.models import NeedVector
from tests.factories import MembershipFactory, topic

from .matching_world import build_world

pytestmark = pytest.mark.django_db

ALERT = "research_needs.need_alert"


@pytest.fixture
def world(db):
    corpus.forget()
    built = build_world()
    built.refresh()
    return built


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def publish(need, capture):
    with capture(execute=True):
        notifications.need_published(need)


def alerted() -> list:
    return list(
        Notification.objects.filter(kind=ALERT)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
    )


def test_system_viewer_gets_the_need_recommendations_a_stranger_does_not(world):
    assert recommend_organisations_for_need(world.need, viewer=AnonymousUser()) == []
    assert recommend_organisations_for_need(world.need, viewer=world.gips_member) == []

    matches = recommend_organisations_for_need(world.need, viewer=SYSTEM)

    assert matches[0].organisation == world.gips
    assert [m.organisation for m in matches] == [
        m.organisation for m in recommend_organisations_for_need(world.need, viewer=world.owner)
    ]


def test_alert_goes_to_the_members_of_the_fitting_institute_without_a_topic_match(world, capture):
    # Nobody shares the need's topic: only the recommendation brings the institute in.
    second = MembershipFactory(organisation=world.gips).user

    publish(world.need, capture)

    assert world.gips_member.pk in alerted() and second.pk in alerted()
    assert [world.gips_member.email] in [message.to for message in mail.outbox]


def test_alert_never_reaches_the_posting_organisation(world, capture):
    publish(world.need, capture)

    assert world.owner.pk not in alerted()
    assert world.colleague.pk not in alerted()


def test_alert_skips_an_organisation_that_opted_out(world, capture):
    CompetenceProfile.objects.filter(organisation=world.gips).update(recommend=False)
    corpus.forget()

    publish(world.need, capture)

    assert world.gips_member.pk not in alerted()


def test_alert_goes_once_to_a_member_found_by_topic_and_by_fit(world, capture):
    processing = topic("mechanical-processing")  # the need's topic in matching_world
    world.gips.topics.add(processing)

    publish(world.need, capture)
    publish(world.need, capture)

    assert alerted().count(world.gips_member.pk) == 1
    assert len(alerted()) == len(set(alerted()))


def test_alert_respects_switched_off_alerts_of_a_fitting_member(world, capture):
    preferences_update(
        actor=world.gips_member, user=world.gips_member, preferences={"need_alerts": "off"}
    )

    publish(world.need, capture)

    alert = Notification.objects.get(kind=ALERT, recipient=world.gips_member)
    assert alert.email_state == EmailState.SKIPPED
    assert world.gips_member.email not in [message.to[0] for message in mail.outbox]


def test_alert_of_an_anonymous_need_does_not_name_its_poster_to_fitting_members(world, capture):
    world.need.visibility = "anonymous"
    world.need.save()

    publish(world.need, capture)

    alert = Notification.objects.get(kind=ALERT, recipient=world.gips_member)
    assert world.sme.name not in str(alert.context) and world.sme.name not in alert.subject
    message = next(m for m in mail.outbox if m.to == [world.gips_member.email])
    assert world.sme.name not in message.subject + message.body
    assert all(world.sme.name not in body for body, _type in message.alternatives)


def test_fitting_recipients_are_ordered_by_fit_and_limited_to_ten(world):
    people = notifications.fitting_recipients(world.need)

    assert people[0].pk == world.gips_member.pk
    organisations = {p.memberships.get().organisation_id for p in people}
    assert len(organisations) <= notifications.FITTING_ORGANISATIONS
    assert world.sme.pk not in organisations


def test_a_need_without_its_row_yet_alerts_only_by_topic(world, capture):
    # Nobody shares its topic, so without the row nobody hears of it.
    NeedVector.objects.filter(need=world.need).delete()
    corpus.forget()

    publish(world.need, capture)

    assert alerted() == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_fitting_member_is_told_why_in_their_language(world, capture, language):
    from django.utils import translation
    from django.utils.translation import gettext

    from members.models import Profile

    Profile.objects.update_or_create(
        user=world.gips_member, defaults={"preferred_language": language}
    )

    publish(world.need, capture)

    message = next(m for m in mail.outbox if m.to == [world.gips_member.email])
    with translation.override(language):
        why = gettext(
            "You get this alert because the need fits what your organisation's competence "
            "profile describes."
        )
        topics = gettext(
            "You get this alert because your profile or your organisation lists one of these "
            "topics."
        )
    assert why in message.body
    assert topics not in message.body

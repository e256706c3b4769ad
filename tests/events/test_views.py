"""Registration, stands, check-in and the attendee's pages through HTTP, with bad input
answered by 400 and the user's input kept."""

from datetime import timedelta

import pytest
from django.urls import reverse

from events.models import CalendarFeed, Event, Registration, Stand
from tests.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    StandFactory,
)
from tests.members.html import check_page

pytestmark = pytest.mark.django_db


def _register_url(event):
    return reverse("events:register", args=[event.slug])


def test_member_registers_in_one_step(client, member, event, notified):
    client.force_login(member)

    page = client.get(_register_url(event))
    response = client.post(_register_url(event), {"dietary_needs": "vegan", "list_consent": "on"})

    assert member.email in page.content.decode()
    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.user == member and registration.organisation.slug == "harzer-zinkhuette"
    assert registration.dietary_needs == "vegan" and registration.list_consent
    assert registration.language == "de"


def test_member_registering_again_is_shown_the_existing_one(client, member, event):
    client.force_login(member)
    client.post(_register_url(event), {})

    response = client.post(_register_url(event), {"dietary_needs": "anders"})

    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    assert registration.dietary_needs == ""


def test_english_registration_stores_language(client, member, event):
    client.force_login(member)
    client.post("/en" + _register_url(event), {})
    assert Registration.objects.get(event=event).language == "en"


def test_guest_registers_confirms_by_link_twice_harmlessly(client, event, notified):
    response = client.post(
        _register_url(event),
        {"name": "Gabi Gast", "email": "Gabi@Example.org", "organisation_name": "Uni Harz"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("events:register_sent", args=[event.slug])
    assert "gabi@example.org" in client.get(response["Location"]).content.decode()
    registration = Registration.objects.get(event=event)
    assert registration.status == Registration.Status.PENDING
    assert notified == [("guest_confirmation_requested", registration)]

    # Opening the link shows a button; only pressing it (a POST) confirms.
    confirm = reverse("events:guest_confirm", args=[registration.token])
    page = client.get(confirm)
    registration.refresh_from_db()
    assert page.status_code == 200
    assert registration.status == Registration.Status.PENDING
    first = client.post(confirm)
    second = client.post(confirm, follow=True)

    registration.refresh_from_db()
    assert first.status_code == 302
    assert registration.status == Registration.Status.CONFIRMED
    assert second.status_code == 200
    assert [kind for kind, _ in notified].count("registration_confirmed") == 1


def test_guest_same_email_twice_one_registration(client, event):
    data = {"name": "Gabi Gast", "email": "gabi@example.org"}
    client.post(_register_url(event), data)
    response = client.post(_register_url(event), {**data, "email": "GABI@example.org"})

    # The page never says whether an address is registered (tests/events/test_guest_privacy.py).
    assert response.status_code == 302
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "email": "gabi@example.org"}, "name"),
        ({"name": "   ", "email": "gabi@example.org"}, "name"),
        ({"name": "Gabi", "email": "kein-at-zeichen"}, "email"),
        ({"name": "Gabi", "email": ""}, "email"),
        ({"name": "G" * 201, "email": "gabi@example.org"}, "name"),
        (
            {"name": "Gabi", "email": "gabi@example.org", "organisation_name": "O" * 201},
            "organisation_name",
        ),
        (
            {"name": "Gabi", "email": "gabi@example.org", "dietary_needs": "x" * 501},
            "dietary_needs",
        ),
        (
            {"name": "Gabi", "email": "gabi@example.org", "accessibility_needs": "x" * 501},
            "accessibility_needs",
        ),
    ],
)
def test_guest_bad_input_400_with_field_error_and_input_kept(client, event, data, field):
    response = client.post(_register_url(event), {"organisation_name": "Hütte AG", **data})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "is-invalid" in html
    if data.get("email"):
        assert data["email"] in html
    assert "Hütte AG" in html or data.get("organisation_name", "").startswith("O")
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"days": []}, "days"),
        ({"days": ["1999-01-01"]}, "days"),
        ({"days": ["kein-datum"]}, "days"),
        ({"sessions": ["999999"]}, "sessions"),
        ({"sessions": ["abc"]}, "sessions"),
    ],
)
def test_member_bad_days_and_sessions_400(client, member, forum, data, field):
    ProgrammeItemFactory(event=forum, capacity=3)
    client.force_login(member)
    payload = {"days": [day.isoformat() for day in forum.days()], "dietary_needs": "Halal"}
    payload.update(data)

    response = client.post(_register_url(forum), payload)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Halal" in response.content.decode()
    assert not Registration.objects.exists()


def test_member_picks_day_and_session(client, member, forum):
    session = ProgrammeItemFactory(event=forum, capacity=3, title="Werkstatt")
    client.force_login(member)

    client.post(
        _register_url(forum),
        {"days": [forum.days()[1].isoformat()], "sessions": [str(session.pk)]},
    )

    registration = Registration.objects.get(event=forum)
    assert registration.days == [forum.days()[1]]
    assert registration.session_signups.get().item == session


def test_cancelled_event_refuses_registration(client, member, event):
    Event.objects.filter(pk=event.pk).update(status="cancelled")
    client.force_login(member)

    page = client.get(reverse("events:detail", args=[event.slug]))
    response = client.post(_register_url(event), {})

    assert "abgesagt" in page.content.decode() or "cancelled" in page.content.decode()
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_closed_registration_window_refused(client, event):
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=event.starts_at - timedelta(days=40)
    )

    response = client.post(_register_url(event), {"name": "Gabi", "email": "g@example.org"})

    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_attendee_cancels_from_my_registrations_and_waitlist_moves_up(
    client, member, event, notified
):
    client.force_login(member)
    client.post(_register_url(event), {})
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, waitlisted=True)
    registration = Registration.objects.get(event=event, user=member)

    page = client.get(reverse("events:my_registrations"))
    assert registration.get_absolute_url() in page.content.decode()
    cancel = reverse("events:registration_cancel", args=[registration.token])
    assert cancel in page.content.decode()
    client.post(cancel, {"confirm": "yes"})

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    assert ("registration_promoted", waiting) in notified


def test_registration_page_updates_choices_and_rejects_bad_input(client, event):
    registration = RegistrationFactory(event=event)
    url = registration.get_absolute_url()

    bad = client.post(url, {"action": "update", "dietary_needs": "x" * 501})
    good = client.post(url, {"action": "update", "dietary_needs": "glutenfrei"})

    assert bad.status_code == 400
    assert "dietary_needs" in bad.context["form"].errors
    assert good.status_code == 302
    registration.refresh_from_db()
    assert registration.dietary_needs == "glutenfrei"


def test_calendar_feed_created_on_demand_and_renewed(client, member):
    client.force_login(member)
    assert not CalendarFeed.objects.exists()

    client.post(reverse("events:my_registrations"), {"action": "feed"})
    first = CalendarFeed.objects.get(user=member).token
    page = client.get(reverse("events:my_registrations"))
    client.post(reverse("events:my_registrations"), {"action": "renew"})

    assert reverse("events:feed", args=[first]) in page.content.decode()
    assert CalendarFeed.objects.get(user=member).token != first


def test_attendee_list_shows_consenting_only_to_attendees(client, member, event, organiser_user):
    RegistrationFactory(event=event, user=member, email=member.email, list_consent=True)
    RegistrationFactory(event=event, name="Sichtbare Person", list_consent=True)
    RegistrationFactory(event=event, name="Verborgene Person", list_consent=False)
    url = reverse("events:attendees", args=[event.slug])

    client.force_login(member)
    as_attendee = client.get(url).content.decode()
    client.force_login(organiser_user)
    as_organiser = client.get(url).content.decode()

    assert "Sichtbare Person" in as_attendee and "Verborgene Person" not in as_attendee
    assert "Verborgene Person" in as_organiser


def test_stand_application_and_bad_input(client, member, event):
    client.force_login(member)
    url = reverse("events:stand_apply", args=[event.slug])

    bad = client.post(url, {"kind": "castle", "description": "kurz", "needs_power": "on"})
    empty = client.post(url, {"description": "x" * 2001})
    good = client.post(url, {"kind": "booth", "description": "Wir zeigen Zinkrecycling."})
    again = client.get(url)

    assert bad.status_code == 400
    assert {"kind", "description"} <= set(bad.context["form"].errors)
    assert "kurz" in bad.content.decode()
    assert empty.status_code == 400 and "kind" in empty.context["form"].errors
    assert good.status_code == 302
    stand = Stand.objects.get(event=event)
    assert stand.organisation.slug == "harzer-zinkhuette" and stand.applied_by == member
    assert again.context["stand"] == stand and again.context["form"] is None


def test_second_stand_post_from_same_org_refused(client, member, event):
    StandFactory(event=event, organisation=member.memberships.get().organisation)
    client.force_login(member)

    response = client.post(
        reverse("events:stand_apply", args=[event.slug]),
        {"kind": "table", "description": "Noch ein Stand bitte."},
    )

    assert response.status_code == 409
    assert Stand.objects.filter(event=event).count() == 1


def test_exhibitors_list_only_confirmed(client, event):
    StandFactory(event=event, confirmed=True, organisation__name="Bestätigt GmbH", number="A7")
    StandFactory(event=event, organisation__name="Beworben GmbH")

    html = client.get(reverse("events:exhibitors", args=[event.slug])).content.decode()

    assert "Bestätigt GmbH" in html and "A7" in html
    assert "Beworben GmbH" not in html


def test_check_in_search_and_twice_harmless(client, organiser_user, event):
    registration = RegistrationFactory(event=event, name="Jürgen Größe", organisation_name="Hütte")
    client.force_login(organiser_user)
    url = reverse("events:checkin", args=[event.slug])

    found = client.get(url, {"q": "hütte"})
    client.post(url, {"registration": registration.pk, "q": "hütte"})
    registration.refresh_from_db()
    first_time = registration.checked_in_at
    again = client.post(url, {"registration": registration.pk}, follow=True)

    assert registration in found.context["results"]
    assert first_time is not None
    registration.refresh_from_db()
    assert registration.checked_in_at == first_time
    messages = [str(m) for m in again.context["messages"]]
    assert any("Jürgen Größe" in m for m in messages)


def test_check_in_from_qr_code(client, organiser_user, event):
    registration = RegistrationFactory(event=event, name="Anna Erz")
    client.force_login(organiser_user)
    url = reverse("events:checkin_code", args=[registration.checkin_code])

    page = client.get(url)
    client.post(url)
    client.post(url)
    after = client.get(url)

    assert "Anna Erz" in page.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert after.status_code == 200


def test_check_in_refuses_waitlisted_without_error_page(client, organiser_user, event):
    registration = RegistrationFactory(event=event, waitlisted=True)
    client.force_login(organiser_user)

    response = client.post(reverse("events:checkin_code", args=[registration.checkin_code]))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is None


@pytest.mark.parametrize("name", ["list", "detail", "exhibitors", "register", "item"])
def test_public_pages_are_accessible_html(client, forum, name):
    item = ProgrammeItemFactory(event=forum)
    StandFactory(event=forum, confirmed=True)
    args = {"list": [], "item": [forum.slug, item.pk]}.get(name, [forum.slug])

    response = client.get(reverse(f"events:{name}", args=args))

    assert response.status_code == 200
    check_page(response.content)


def test_organiser_sees_draft_with_badge(client, organiser_user):
    draft = EventFactory(draft=True, title="Geheimes Symposium")
    client.force_login(organiser_user)

    html = client.get(reverse("events:detail", args=[draft.slug])).content.decode()
    listing = client.get(reverse("events:list")).content.decode()

    assert "Geheimes Symposium" in html and "Geheimes Symposium" in listing


def test_draft_not_listed_for_visitors(client):
    EventFactory(draft=True, title="Geheimes Symposium")

    assert "Geheimes Symposium" not in client.get(reverse("events:list")).content.decode()


def test_landing_shows_next_events_and_organisation_page_talks(client, forum):
    from tests.factories import SpeakerFactory

    stand = StandFactory(event=forum, confirmed=True, number="C3")
    speaker = SpeakerFactory(event=forum, organisation=stand.organisation)
    ProgrammeItemFactory(event=forum, title="Vortrag über Zink", speakers=[speaker])

    landing = client.get(reverse("landing")).content.decode()
    org_page = client.get(stand.organisation.get_absolute_url()).content.decode()

    assert forum.title in landing
    assert "Vortrag über Zink" in org_page and "C3" in org_page

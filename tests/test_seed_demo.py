from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from forum.notifications.models import EmailState, MassMail, Notification
from members.demo import DEMO_PASSWORD, PERSONAS
from members.models import Consent, Invitation, Membership, Organisation, Profile, User

pytestmark = pytest.mark.django_db

MODELS = [Organisation, User, Membership, Profile, Consent, Invitation, Notification, MassMail]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def seed_demo(**options):
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


def test_seed_demo_empty_database_creates_organisations_of_every_kind():
    seed_demo()

    assert Organisation.objects.count() >= 12
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values)
    states = set(Organisation.objects.values_list("federal_state", flat=True))
    assert states == {"NI", "ST", "TH"}
    assert all(org.topics.exists() for org in Organisation.objects.all())


def test_seed_demo_empty_database_creates_users_with_verified_addresses():
    seed_demo()

    assert User.objects.count() >= 20
    assert Membership.objects.filter(role="admin").count() >= 10
    assert Membership.objects.filter(role="member").exists()
    for user in User.objects.all():
        address = user.emailaddress_set.get()
        assert address.verified and address.primary
        assert address.email == user.email


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_seed_demo_persona_login_authenticates(persona, client):
    seed_demo()

    user = authenticate(email=PERSONAS[persona], password=DEMO_PASSWORD)

    assert user is not None
    assert client.login(email=PERSONAS[persona], password=DEMO_PASSWORD)


def test_seed_demo_personas_have_their_roles():
    seed_demo()

    sme = User.objects.get(email=PERSONAS["sme"])
    assert sme.memberships.get().role == "admin"
    assert sme.memberships.get().organisation.kind == "company"
    researcher = User.objects.get(email=PERSONAS["researcher"])
    assert researcher.memberships.get().organisation.kind == "research"
    municipality = User.objects.get(email=PERSONAS["municipality"])
    assert municipality.memberships.get().organisation.kind == "public"
    organiser = User.objects.get(email=PERSONAS["organiser"])
    assert organiser.is_staff and not organiser.is_superuser
    assert organiser.is_organiser
    assert organiser.groups.filter(name="Organisers").exists()
    attendee = User.objects.get(email=PERSONAS["attendee"])
    assert attendee.memberships.get().organisation.kind == "association"
    admin = User.objects.get(email=PERSONAS["admin"])
    assert admin.is_superuser


def test_seed_demo_twice_changes_nothing():
    seed_demo()
    before = counts()
    password_hashes = dict(User.objects.values_list("email", "password"))

    seed_demo()

    assert counts() == before
    assert dict(User.objects.values_list("email", "password")) == password_hashes


def test_seed_demo_scale_two_creates_more():
    seed_demo()
    base = counts()

    seed_demo(scale=2)

    scaled = counts()
    assert scaled["Organisation"] == 2 * base["Organisation"]
    # The 30 further accounts of the forum's B2B meetings (events/demo_meetings.py) do not scale.
    b2b = User.objects.filter(email__startswith="b2b.").count()
    assert scaled["User"] - b2b == 2 * (base["User"] - b2b)
    assert (
        User.objects.get(email="demo-user-00001@demo.forum-harz.de").memberships.get().role
        == "admin"
    )


def test_seed_demo_debug_off_refuses_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")

    assert Organisation.objects.count() == 0


def test_seed_demo_gives_personas_notifications_without_sending_email(mailoutbox):
    seed_demo()

    sme = User.objects.get(email=PERSONAS["sme"])
    unread = Notification.objects.filter(recipient=sme, in_app=True, read_at__isnull=True)
    assert unread.count() >= 2
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    assert mailoutbox == []

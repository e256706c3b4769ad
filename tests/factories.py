"""factory_boy factories shared by every app's tests."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from forum.organisers import ORGANISERS_GROUP
from members.models import Invitation, Membership, Organisation, Profile, Topic, User

PASSWORD = "pw-Forum-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can log in at once: the password is PASSWORD and the email is verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    position = "Head of R&D"
    expertise_keywords = "hydrometallurgy, leaching"
    preferred_language = "de"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Harzer Recycling {n} GmbH")
    slug = factory.Sequence(lambda n: f"harzer-recycling-{n}")
    kind = Organisation.Kind.COMPANY
    city = "Goslar"
    federal_state = Organisation.FederalState.NI
    description = "Recovers non-ferrous metals from slags."
    # Existing tests act for organisations that passed review; pass status="pending" to test
    # the approval rules (issue 11).
    status = Organisation.Status.APPROVED

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER

    class Params:
        admin = factory.Trait(role=Membership.Role.ADMIN)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER
    language = "en"
    invited_by = None

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
        )
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))


def topic(slug: str = "battery-recycling") -> Topic:
    """A topic of the seeded list (PRODUCT.md 3.6)."""
    return Topic.objects.get(slug=slug)


def organiser(**kwargs) -> User:
    """A staff user in the Organisers group (created by members' data migration)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return user


def png_bytes(size=(20, 20), colour="green") -> bytes:
    """A real PNG image, for logo uploads."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


# --- events -----------------------------------------------------------------------------


def _in_days(days: int, hour: int = 9):
    """An aware datetime ``days`` from today at ``hour`` o'clock, Europe/Berlin."""
    import zoneinfo
    from datetime import datetime, time

    today = timezone.localdate()
    return datetime.combine(
        today + timedelta(days=days), time(hour), tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )


class EventFactory(factory.django.DjangoModelFactory):
    """A published one-day workshop 30 days from now, open for registration."""

    class Meta:
        model = "events.Event"

    kind = "workshop"
    title = factory.Sequence(lambda n: f"Workshop Batterierecycling {n}")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    summary = "Aufbereitung von Lithium-Ionen-Batterien im Harz."
    description = "Vorträge und Diskussion über Schwarzmasse und Hydrometallurgie."
    venue_name = "TU Clausthal, Aula"
    venue_address = "Aulastraße 8\n38678 Clausthal-Zellerfeld"
    starts_at = factory.LazyFunction(lambda: _in_days(30, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    language = "de"
    status = "published"
    capacity = None
    waiting_list = True

    class Params:
        draft = factory.Trait(status="draft")
        cancelled = factory.Trait(status="cancelled")
        past = factory.Trait(starts_at=factory.LazyFunction(lambda: _in_days(-30, 9)))
        two_days = factory.Trait(
            kind="forum",
            ends_at=factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=1, hours=8)),
        )


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Room"

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Raum {n}")
    capacity = 80


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Speaker"

    event = factory.SubFactory(EventFactory)
    name = factory.Faker("name", locale="de_DE")
    organisation = None
    organisation_name = "Technische Universität Clausthal"
    bio = "Forscht zur Rückgewinnung kritischer Metalle."


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    """A talk in the first hour of its event."""

    class Meta:
        model = "events.ProgrammeItem"
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    kind = "talk"
    title = factory.Sequence(lambda n: f"Vortrag {n}: Indium aus Zinkrückständen")
    abstract = "Wie aus Rückständen der Zinkverhüttung wieder Rohstoffe werden."
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))
    room = None
    track = ""
    capacity = None

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)


class StandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Stand"

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    applied_by = None
    kind = "table"
    description = "Wir zeigen sensorgestützte Sortierung von Elektronikschrott."
    needs_power = False
    status = "applied"

    class Params:
        confirmed = factory.Trait(status="confirmed", decided_at=factory.LazyFunction(timezone.now))


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed guest registration (no user)."""

    class Meta:
        model = "events.Registration"

    event = factory.SubFactory(EventFactory)
    user = None
    name = factory.Faker("name", locale="de_DE")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    organisation = None
    organisation_name = "Stadtwerke Goslar"
    status = "confirmed"
    language = "de"
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status="pending", confirmed_at=None)
        waitlisted = factory.Trait(
            status="waitlisted", confirmed_at=None, waitlisted_at=factory.LazyFunction(timezone.now)
        )
        cancelled = factory.Trait(
            status="cancelled", cancelled_at=factory.LazyFunction(timezone.now)
        )


# --- research needs ---------------------------------------------------------------------


class NeedFactory(factory.django.DjangoModelFactory):
    """A published public need of a new SME about battery recycling, open for 6 months.

    Pass ``topics=[...]`` to choose topics; without it the need has the battery-recycling
    topic. Traits: draft, submitted, closed, members_only, anonymous."""

    class Meta:
        model = "research_needs.Need"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = None
    contact_person = None
    title = factory.Sequence(lambda n: f"Recycling von Lithium-Ionen-Batterien {n}")
    summary = "Wir suchen ein Verfahren, um Schwarzmasse aus Batterien sortenrein aufzubereiten."
    description = (
        "Unsere Anlage in Goslar zerkleinert jährlich 2.000 t Altbatterien. Die Schwarzmasse "
        "enthält Kobalt, Nickel und Lithium; wir möchten die Ausbeute erhöhen."
    )
    challenge_types = factory.LazyFunction(lambda: ["new_technology"])
    keywords = factory.LazyFunction(lambda: ["Schwarzmasse", "Hydrometallurgie"])
    trl_now = 3
    trl_target = 6
    cooperation_types = factory.LazyFunction(lambda: ["contract_research"])
    partner_kinds = factory.LazyFunction(lambda: ["research"])
    budget_band = "10k_50k"
    public_funding = True
    language = "de"
    visibility = "public"
    status = "published"
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=150))

    class Params:
        draft = factory.Trait(status="draft", submitted_at=None, published_at=None)
        submitted = factory.Trait(status="submitted", published_at=None)
        closed = factory.Trait(
            status="closed", close_reason="withdrawn", closed_at=factory.LazyFunction(timezone.now)
        )
        members_only = factory.Trait(visibility="members")
        anonymous = factory.Trait(visibility="anonymous")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if not create:
            return
        self.topics.set(extracted if extracted is not None else [topic("battery-recycling")])


class AnswerFactory(factory.django.DjangoModelFactory):
    """A submitted answer by a research institution, with its conversation."""

    class Meta:
        model = "research_needs.Answer"
        skip_postgeneration_save = True

    need = factory.SubFactory(NeedFactory)
    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.RESEARCH,
        name=factory.Sequence(lambda n: f"Institut für Aufbereitung {n}"),
        slug=factory.Sequence(lambda n: f"institut-aufbereitung-{n}"),
    )
    created_by = None
    approach = "Wir laugen die Schwarzmasse selektiv und gewinnen Lithium als Carbonat zurück."
    competences = "Hydrometallurgie, Laugungsversuche im Technikum"
    references = "Projekt LiBRec (2023)"
    cooperation_type = "contract_research"
    timeframe = "6 Monate"
    status = "submitted"

    class Params:
        shortlisted = factory.Trait(status="shortlisted")
        accepted = factory.Trait(status="accepted", decided_at=factory.LazyFunction(timezone.now))
        declined = factory.Trait(
            status="declined",
            feedback="Passt leider nicht zu unserem Zeitplan.",
            decided_at=factory.LazyFunction(timezone.now),
        )
        withdrawn = factory.Trait(status="withdrawn")

    @factory.post_generation
    def conversation(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from research_needs.models import Conversation

            Conversation.objects.get_or_create(answer=self)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research_needs.Conversation"
        django_get_or_create = ("answer",)

    answer = factory.SubFactory(AnswerFactory, conversation=False)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message from the answering organisation, unread."""

    class Meta:
        model = "research_needs.Message"

    conversation = factory.SubFactory(ConversationFactory)
    author = None
    author_organisation = factory.LazyAttribute(lambda o: o.conversation.answer.organisation)
    body = "Können wir nächste Woche telefonieren?"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.CalendarFeed"

    user = factory.SubFactory(UserFactory)

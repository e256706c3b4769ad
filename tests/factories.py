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

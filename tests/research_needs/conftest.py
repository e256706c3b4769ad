"""Fixtures shared by the research-needs tests: an SME that posts, a research institution
that answers, an organiser, and uploads kept in a temporary MEDIA_ROOT."""

import pytest

from members.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, organiser


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sme(db):
    return OrganisationFactory(name="Harzer Batterierecycling GmbH", slug="harzer-batterie")


@pytest.fixture
def owner(sme):
    """The SME's admin, who writes its needs."""
    return MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user


@pytest.fixture
def colleague(sme, owner):
    """A plain member of the SME."""
    return MembershipFactory(organisation=sme, role=Membership.Role.MEMBER).user


@pytest.fixture
def institute(db):
    return OrganisationFactory(
        name="Institut für Aufbereitung Clausthal",
        slug="institut-aufbereitung",
        kind=Organisation.Kind.RESEARCH,
    )


@pytest.fixture
def researcher(institute):
    return MembershipFactory(organisation=institute, role=Membership.Role.ADMIN).user


@pytest.fixture
def third_org(db):
    return OrganisationFactory(name="Stadtwerke Goslar", slug="stadtwerke-goslar", kind="public")


@pytest.fixture
def stranger(third_org):
    """A member of an organisation that has nothing to do with the need."""
    return MembershipFactory(organisation=third_org, role=Membership.Role.MEMBER).user


@pytest.fixture
def organiser_user(db):
    return organiser()

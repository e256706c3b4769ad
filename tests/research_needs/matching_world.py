"""A small world for the recommendation tests (test_matching_selectors.py,
test_matching_store.py): an SME with a need about gypsum from demolition, research
institutes and a company with competence profiles, written here (never the development
set's texts)."""

from __future__ import annotations

from dataclasses import dataclass

from members.models import CompetenceProfile, Membership, Organisation
from research_needs.matching.store import vectors_refresh
from research_needs.models import Need
from tests.factories import MembershipFactory, NeedFactory, OrganisationFactory, organiser, topic

GIPS = (
    "Rückgewinnung von Calciumsulfat aus Bauabfällen. Wir trennen Gipsplatten aus dem "
    "Abbruch von mineralischen Fraktionen und prüfen, ob ein Gipswerk das Material annimmt."
)
AKKU = (
    "Recycling von Lithium-Ionen-Batterien durch Laugung der Schwarzmasse. Wir gewinnen "
    "Kobalt und Nickel als Salze zurück."
)
LAB = (
    "Chemical analysis of slags and filter dusts by X-ray fluorescence and ICP-OES. We "
    "prepare samples of heterogeneous residues."
)


def profile(organisation, competences, *, cooperation=("contract_research",), trl=(3, 6), **kw):
    return CompetenceProfile.objects.create(
        organisation=organisation,
        competences=competences,
        cooperation_types=list(cooperation),
        trl_min=trl[0],
        trl_max=trl[1],
        **kw,
    )


def need(organisation, **fields) -> Need:
    values = {
        "title": "Gipsreste aus dem Rückbau wieder loswerden",
        "summary": "Beim Abbruch von Bürogebäuden fallen Gipskartonplatten an, die heute "
        "auf die Deponie gehen. Wir suchen einen Partner, der die Verwertung mit uns prüft.",
        "description": "Unser Betrieb sortiert Bau- und Abbruchabfälle im Landkreis Goslar.",
        "keywords": ["Gips", "Rückbau"],
        "trl_now": 3,
        "trl_target": 5,
        "cooperation_types": ["contract_research"],
        "partner_kinds": ["research"],
        "topics": [topic("mechanical-processing")],
    }
    values.update(fields)
    return NeedFactory(organisation=organisation, **values)


@dataclass
class World:
    sme: Organisation
    owner: object
    colleague: object
    gips: Organisation
    gips_member: object
    akku: Organisation
    lab: Organisation
    firm: Organisation
    firm_member: object
    organiser: object
    need: Need

    def refresh(self):
        return vectors_refresh()


def build_world() -> World:
    sme = OrganisationFactory(
        name="Goslarer Rückbau GmbH", description="Abbruch und Sortierung von Bauabfällen."
    )
    gips = OrganisationFactory(
        name="Institut für Baustoffkreisläufe", kind=Organisation.Kind.RESEARCH, description=""
    )
    profile(gips, GIPS, cooperation=("contract_research", "testing"), trl=(3, 6))
    akku = OrganisationFactory(
        name="Batterieinstitut Harz", kind=Organisation.Kind.RESEARCH, description=""
    )
    profile(akku, AKKU, cooperation=("funded_project",), trl=(2, 5))
    lab = OrganisationFactory(
        name="Slag Analytics Lab", kind=Organisation.Kind.RESEARCH, description=""
    )
    profile(lab, LAB, cooperation=("testing",), trl=(4, 9), languages=["en", "de"])
    firm = OrganisationFactory(
        name="Gipsrecycling Harz GmbH",
        kind=Organisation.Kind.COMPANY,
        description="Wir bereiten Gipsabfälle aus dem Rückbau auf und liefern Recyclinggips.",
    )
    return World(
        sme=sme,
        owner=MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user,
        colleague=MembershipFactory(organisation=sme).user,
        gips=gips,
        gips_member=MembershipFactory(organisation=gips).user,
        akku=akku,
        lab=lab,
        firm=firm,
        firm_member=MembershipFactory(organisation=firm).user,
        organiser=organiser(),
        need=need(sme),
    )

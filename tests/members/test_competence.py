"""Competence profiles (issue 13): the model's rules and constraints, the form's answers to
bad input, the service's permissions and its task, the organisation admin's inline."""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from forum import locking
from members.forms import CompetenceProfileForm
from members.models import CompetenceProfile, Membership, Organisation
from members.services import competence
from members.services.competence import competence_profile_update
from research_needs.matching import embeddings
from research_needs.models import OrganisationVector
from tests.factories import MembershipFactory, OrganisationFactory, organiser

COMPETENCES = (
    "Wir laugen Schwarzmasse aus Lithium-Ionen-Batterien und gewinnen Kobalt und Nickel "
    "zurück. Im Technikum stehen Rührreaktoren bis 200 Liter."
)


@pytest.fixture
def institute(db):
    return OrganisationFactory(kind=Organisation.Kind.RESEARCH, description="Institut im Harz.")


@pytest.fixture
def admin_user(institute):
    return MembershipFactory(organisation=institute, role=Membership.Role.ADMIN).user


def _valid(**changes):
    data = {
        "competences": COMPETENCES,
        "keywords": "Schwarzmasse, Laugung",
        "cooperation_types": ["contract_research", "testing"],
        "trl_min": "2",
        "trl_max": "6",
        "languages": ["de", "en"],
        "recommend": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Model -----------------------------------------------------------------------------------


def test_profile_defaults_recommend_all_levels_and_german(institute):
    profile = CompetenceProfile.objects.create(organisation=institute)

    assert profile.recommend is True
    assert (profile.trl_min, profile.trl_max) == (1, 9)
    assert profile.languages == ["de"]
    assert profile.keywords == [] and profile.cooperation_types == []


def test_profile_database_refuses_lowest_level_above_highest(institute):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetenceProfile.objects.create(organisation=institute, trl_min=7, trl_max=3)


@pytest.mark.parametrize(("low", "high"), [(0, 5), (3, 10)])
def test_profile_database_refuses_levels_outside_one_to_nine(institute, low, high):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetenceProfile.objects.create(organisation=institute, trl_min=low, trl_max=high)


def test_profile_database_refuses_more_than_ten_keywords(institute):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetenceProfile.objects.create(
            organisation=institute, keywords=[f"Wort {i}" for i in range(11)]
        )


def test_profile_database_allows_one_profile_per_organisation(institute):
    CompetenceProfile.objects.create(organisation=institute)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetenceProfile.objects.create(organisation=institute)


def test_profile_full_clean_names_the_fields_at_fault(institute):
    profile = CompetenceProfile(
        organisation=institute,
        trl_min=6,
        trl_max=2,
        keywords=[f"Wort {i}" for i in range(11)],
        cooperation_types=["coffee"],
        languages=["xx"],
    )
    with pytest.raises(ValidationError) as error:
        profile.full_clean()

    assert {"trl_max", "keywords", "cooperation_types", "languages"} <= set(
        error.value.message_dict
    )


def test_profile_cooperation_types_are_those_needs_seek():
    from research_needs.models import CooperationType as NeedCooperationType
    from research_needs.models import Need

    profile_choices = CompetenceProfile._meta.get_field("cooperation_types").base_field.choices
    need_choices = Need._meta.get_field("cooperation_types").base_field.choices
    assert profile_choices == need_choices == NeedCooperationType.choices


# Form ------------------------------------------------------------------------------------


def test_form_valid_input_gives_clean_values():
    form = CompetenceProfileForm(data=_valid(keywords=" Schwarzmasse ,laugung, Laugung,, Kobalt "))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["keywords"] == ["Schwarzmasse", "laugung", "Kobalt"]
    assert form.cleaned_data["trl_min"] == 2 and form.cleaned_data["trl_max"] == 6
    assert form.cleaned_data["recommend"] is True


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"trl_min": "7", "trl_max": "3"}, "trl_max", "cannot be below the lowest"),
        ({"trl_max": "12"}, "trl_max", "Select a valid choice"),
        ({"trl_min": "eins"}, "trl_min", "Select a valid choice"),
        ({"keywords": ", ".join(f"Wort {i}" for i in range(11))}, "keywords", "At most 10"),
        ({"keywords": "x" * 51}, "keywords", "at most 50 characters"),
        ({"cooperation_types": ["coffee"]}, "cooperation_types", "Select a valid choice"),
        ({"languages": None}, "languages", "at least one working language"),
        ({"languages": ["xx"]}, "languages", "Select a valid choice"),
        ({"competences": "x" * 4001}, "competences", "at most 4000 characters"),
    ],
)
def test_form_bad_input_names_the_field(changes, field, message):
    with translation.override("en"):
        form = CompetenceProfileForm(data=_valid(**changes))

        assert not form.is_valid()
        assert message in " ".join(form.errors[field])


def test_form_bad_input_answers_in_german():
    with translation.override("de"):
        form = CompetenceProfileForm(data=_valid(trl_min="7", trl_max="3"))
        assert not form.is_valid()
        assert "höchste Reifegrad" in form.errors["trl_max"][0]


def test_form_initial_for_shows_a_stored_profile(institute):
    profile = CompetenceProfile.objects.create(
        organisation=institute, keywords=["Laugung", "Kobalt"], trl_min=2, trl_max=5
    )
    form = CompetenceProfileForm(initial=CompetenceProfileForm.initial_for(profile))

    assert 'value="Laugung, Kobalt"' in str(form["keywords"])
    assert CompetenceProfileForm.initial_for(None) == {}


# Service ---------------------------------------------------------------------------------


def _update(organisation, actor, **fields):
    values = {
        "competences": COMPETENCES,
        "keywords": ["Schwarzmasse", "Laugung"],
        "cooperation_types": ["contract_research"],
        "trl_min": 2,
        "trl_max": 6,
        "languages": ["de", "en"],
        "recommend": True,
    }
    values.update(fields)
    return competence_profile_update(organisation=organisation, actor=actor, **values)


def test_service_admin_creates_the_profile_and_its_row_for_recommendations(
    institute, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile = _update(institute, admin_user, keywords=" Laugung , laugung,Kobalt")

    profile.refresh_from_db()
    assert profile.keywords == ["Laugung", "Kobalt"]
    assert profile.competences == COMPETENCES
    row = OrganisationVector.objects.get(organisation=institute)
    assert row.model_version == embeddings.MODEL_VERSION
    assert len(bytes(row.embedding)) == embeddings.DIMENSIONS * 4
    assert row.sentences[0].startswith("Wir laugen Schwarzmasse")
    assert "kobalt" in row.word_counts


def test_service_organiser_may_change_any_profile(institute):
    profile = _update(institute, organiser(), recommend=False)

    assert profile.recommend is False


@pytest.mark.parametrize("role", ["member", "other_admin", "visitor"])
def test_service_others_may_not(institute, role):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "member": lambda: MembershipFactory(organisation=institute).user,
        "other_admin": lambda: MembershipFactory(role=Membership.Role.ADMIN).user,
        "visitor": AnonymousUser,
    }[role]()

    with pytest.raises(PermissionDenied):
        _update(institute, actor)

    assert not CompetenceProfile.objects.exists()


def test_service_bad_input_saves_nothing(institute, admin_user):
    with pytest.raises(ValidationError) as error:
        _update(institute, admin_user, trl_min=8, trl_max=2)

    assert "trl_max" in error.value.message_dict
    assert not CompetenceProfile.objects.exists()


def test_service_unknown_field_is_a_programming_error(institute, admin_user):
    with pytest.raises(TypeError):
        _update(institute, admin_user, website="https://example.org")


def test_service_second_call_changes_the_one_profile(institute, admin_user):
    first = _update(institute, admin_user)
    second = _update(institute, admin_user, trl_max=9, cooperation_types=["testing", "testing"])

    assert first.pk == second.pk
    assert CompetenceProfile.objects.get().trl_max == 9
    assert CompetenceProfile.objects.get().cooperation_types == ["testing"]


def test_service_opting_out_keeps_the_other_fields(institute, admin_user):
    _update(institute, admin_user)

    competence_profile_update(organisation=institute, actor=admin_user, recommend=False)

    profile = CompetenceProfile.objects.get()
    assert profile.recommend is False and profile.competences == COMPETENCES


# A double submit under a real race -------------------------------------------------------


def _race(monkeypatch, *, locks: bool) -> tuple[list[str], int]:
    organisation = OrganisationFactory(kind=Organisation.Kind.RESEARCH)
    actor = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    barrier = threading.Barrier(2)
    original = competence._profile_for

    def look_then_meet(organisation):
        # Both requests have looked for the profile before either creates it, unless the
        # organisation's row lock makes the second wait (the barrier then times out).
        profile = original(organisation)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1.5)
        return profile

    monkeypatch.setattr(competence, "_profile_for", look_then_meet)
    if not locks:
        monkeypatch.setattr(locking, "ENABLED", False)
    outcomes = []

    def submit():
        try:
            competence_profile_update(
                organisation=organisation, actor=actor, competences=COMPETENCES
            )
            outcomes.append("ok")
        except (IntegrityError, ValidationError) as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes), CompetenceProfile.objects.filter(organisation=organisation).count()


@pytest.mark.django_db(transaction=True)
def test_service_double_submit_at_once_creates_one_profile(monkeypatch):
    outcomes, profiles = _race(monkeypatch, locks=True)

    assert outcomes == ["ok", "ok"]
    assert profiles == 1


@pytest.mark.django_db(transaction=True)
def test_canary_without_the_lock_the_double_submit_fails(monkeypatch):
    outcomes, profiles = _race(monkeypatch, locks=False)

    assert profiles == 1
    assert outcomes == ["IntegrityError", "ok"]  # the second insert hits the one-to-one


# Admin -------------------------------------------------------------------------------------


def test_admin_organisation_page_edits_the_profile_inline(
    client, institute, django_capture_on_commit_callbacks
):
    staff = organiser()
    client.force_login(staff)
    url = reverse("admin:members_organisation_change", args=[institute.pk])

    page = client.get(url)

    assert page.status_code == 200
    assert "competence_profile-0-competences" in page.content.decode()


def test_admin_saving_the_inline_stores_the_profile_and_its_row(
    client, institute, django_capture_on_commit_callbacks
):
    client.force_login(organiser())
    url = reverse("admin:members_organisation_change", args=[institute.pk])
    data = {
        "name": institute.name,
        "slug": institute.slug,
        "kind": institute.kind,
        "description": institute.description,
        "website": "",
        "city": institute.city,
        "federal_state": institute.federal_state,
        "size_band": "",
        "competence_profile-TOTAL_FORMS": "1",
        "competence_profile-INITIAL_FORMS": "0",
        "competence_profile-MIN_NUM_FORMS": "0",
        "competence_profile-MAX_NUM_FORMS": "1",
        "competence_profile-0-competences": COMPETENCES,
        "competence_profile-0-keywords": "Schwarzmasse,Laugung",
        "competence_profile-0-cooperation_types": "contract_research,testing",
        "competence_profile-0-trl_min": "2",
        "competence_profile-0-trl_max": "6",
        "competence_profile-0-languages": "de,en",
        "competence_profile-0-recommend": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    profile = CompetenceProfile.objects.get(organisation=institute)
    assert profile.cooperation_types == ["contract_research", "testing"]
    assert (profile.trl_min, profile.trl_max) == (2, 6)
    row = OrganisationVector.objects.get(organisation=institute)
    assert row.sentences[0].startswith("Wir laugen Schwarzmasse")


def test_admin_inline_refuses_levels_the_wrong_way_round(client, institute):
    client.force_login(organiser())
    url = reverse("admin:members_organisation_change", args=[institute.pk])
    data = {
        "name": institute.name,
        "slug": institute.slug,
        "kind": institute.kind,
        "description": institute.description,
        "city": institute.city,
        "federal_state": institute.federal_state,
        "competence_profile-TOTAL_FORMS": "1",
        "competence_profile-INITIAL_FORMS": "0",
        "competence_profile-MIN_NUM_FORMS": "0",
        "competence_profile-MAX_NUM_FORMS": "1",
        "competence_profile-0-competences": COMPETENCES,
        "competence_profile-0-trl_min": "7",
        "competence_profile-0-trl_max": "3",
        "competence_profile-0-languages": "de",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "höchste Reifegrad" in response.content.decode()
    assert not CompetenceProfile.objects.exists()

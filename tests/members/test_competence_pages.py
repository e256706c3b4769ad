"""The competence profile's pages (issue 13, item 1): the form for an organisation's
admins and organisers, the profile on the organisation page, the directory's filters, the
next step after founding a research institution, and the monthly reminder."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forum.notifications.models import Notification
from members.models import CompetenceProfile, Membership, Organisation
from members.services.competence import REMINDER_INTERVAL, competence_reminders_send
from members.tasks import remind_competence_profiles
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .html import check_page

pytestmark = pytest.mark.django_db

REMINDER = "members.competence_reminder"


def _post(**overrides):
    data = {
        "competences": "Laugung von Schwarzmasse aus Lithium-Ionen-Batterien.",
        "keywords": "Schwarzmasse, Laugung",
        "cooperation_types": ["contract_research", "testing"],
        "trl_min": "3",
        "trl_max": "6",
        "languages": ["de", "en"],
        "recommend": "on",
    }
    data.update(overrides)
    return data


def _url(organisation):
    return reverse("members:competence_edit", args=[organisation.slug])


# The form --------------------------------------------------------------------------------


def test_admin_fills_in_the_profile_and_sees_it_on_the_organisation_page(client, org, admin):
    client.force_login(admin)

    get = client.get(_url(org))
    response = client.post(_url(org), _post())

    assert get.status_code == 200
    check_page(get.content)
    assert response.status_code == 302 and response["Location"] == org.get_absolute_url()
    profile = CompetenceProfile.objects.get(organisation=org)
    assert profile.keywords == ["Schwarzmasse", "Laugung"]
    assert profile.cooperation_types == ["contract_research", "testing"]
    assert (profile.trl_min, profile.trl_max) == (3, 6)
    page = client.get(org.get_absolute_url()).text
    assert "Laugung von Schwarzmasse aus Lithium-Ionen-Batterien." in page
    assert "Auftragsforschung" in page and "TRL 3 bis 6" in page
    assert _url(org) in page  # the edit link


def test_the_form_shows_the_saved_profile(client, org, admin):
    CompetenceProfile.objects.create(organisation=org, competences="Röntgenfluoreszenz.")
    client.force_login(admin)

    response = client.get(_url(org))

    assert "Röntgenfluoreszenz." in response.text


def test_bad_input_answers_400_with_field_errors_and_keeps_the_input(client, org, admin):
    client.force_login(admin)

    response = client.post(_url(org), _post(trl_min="7", trl_max="2", languages=[]))

    assert response.status_code == 400
    assert {"trl_max", "languages"} <= set(response.context["form"].errors)
    assert "Laugung von Schwarzmasse" in response.text
    assert not CompetenceProfile.objects.filter(organisation=org).exists()


def test_too_many_keywords_answer_400(client, org, admin):
    client.force_login(admin)

    response = client.post(_url(org), _post(keywords=", ".join(f"k{i}" for i in range(11))))

    assert response.status_code == 400
    assert "keywords" in response.context["form"].errors


def test_double_submit_keeps_one_profile(client, org, admin):
    client.force_login(admin)

    first = client.post(_url(org), _post())
    second = client.post(_url(org), _post(trl_max="9"))

    assert first.status_code == second.status_code == 302
    assert CompetenceProfile.objects.filter(organisation=org).count() == 1
    assert CompetenceProfile.objects.get(organisation=org).trl_max == 9


def test_plain_member_gets_404_and_changes_nothing(client, org, member):
    client.force_login(member)

    assert client.get(_url(org)).status_code == 404
    assert client.post(_url(org), _post()).status_code == 404
    assert not CompetenceProfile.objects.exists()


def test_organiser_may_fill_in_the_profile(client, org, organiser_user):
    client.force_login(organiser_user)

    assert client.post(_url(org), _post()).status_code == 302
    assert CompetenceProfile.objects.filter(organisation=org).exists()


def test_page_in_english(client, org, admin):
    client.force_login(admin)

    response = client.get("/en" + _url(org))

    assert response.status_code == 200
    assert "Competence profile of" in response.text


# The organisation page -------------------------------------------------------------------


def test_visitor_sees_the_profile_without_the_edit_link(client, org):
    CompetenceProfile.objects.create(
        organisation=org, competences="Schlackenanalytik.", keywords=["XRF"]
    )

    page = client.get(org.get_absolute_url()).text

    assert "Schlackenanalytik." in page and "XRF" in page
    assert _url(org) not in page


def test_admin_without_profile_is_asked_for_one(client, org, admin):
    client.force_login(admin)

    page = client.get(org.get_absolute_url()).text

    assert "Noch kein Kompetenzprofil" in page
    assert _url(org) in page


# The directory ---------------------------------------------------------------------------


def test_directory_filters_by_cooperation_type_offered(client):
    testing = OrganisationFactory(name="Prüflabor Harz")
    CompetenceProfile.objects.create(organisation=testing, cooperation_types=["testing"])
    funded = OrganisationFactory(name="Institut Förderprojekt")
    CompetenceProfile.objects.create(organisation=funded, cooperation_types=["funded_project"])
    OrganisationFactory(name="Ohne Profil GmbH")

    response = client.get(reverse("members:directory"), {"cooperation": "testing"})

    assert [o.name for o in response.context["organisations"]] == ["Prüflabor Harz"]


def test_directory_filters_by_competence_or_keyword_text(client):
    by_text = OrganisationFactory(name="A Institut", description="")
    CompetenceProfile.objects.create(organisation=by_text, competences="Wir laugen Schwarzmasse.")
    by_keyword = OrganisationFactory(name="B Labor", description="")
    CompetenceProfile.objects.create(organisation=by_keyword, keywords=["SCHWARZMASSE-Analytik"])
    OrganisationFactory(name="C GmbH", description="Gießerei.")
    OrganisationFactory(name="D Pending", description="Schwarzmasse", status="pending")

    response = client.get(reverse("members:directory"), {"competence": "schwarzmasse"})

    assert [o.name for o in response.context["organisations"]] == ["A Institut", "B Labor"]


def test_directory_unknown_cooperation_type_answers_400(client, org):
    response = client.get(reverse("members:directory"), {"cooperation": "nonsense"})

    assert response.status_code == 400  # an invalid filter, like every invalid form
    assert "cooperation" in response.context["filter_form"].errors


@pytest.mark.parametrize("count", [1, 30])
def test_directory_competence_filter_queries_constant(client, django_assert_num_queries, count):
    for index in range(count):
        organisation = OrganisationFactory()
        CompetenceProfile.objects.create(
            organisation=organisation,
            competences=f"Laugung {index}.",
            cooperation_types=["testing"],
        )
        MembershipFactory(organisation=organisation, role="admin")

    with django_assert_num_queries(4):
        response = client.get(
            reverse("members:directory"), {"cooperation": "testing", "competence": "laugung"}
        )

    assert len(response.context["organisations"]) == min(count, 20)


# Onboarding ------------------------------------------------------------------------------


def _org_post(**overrides):
    data = {
        "name": "Institut für Aufbereitung",
        "kind": "research",
        "city": "Clausthal-Zellerfeld",
        "federal_state": "NI",
        "size_band": "",
        "description": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_new_research_institution_is_asked_for_its_profile_and_may_skip(client):
    client.force_login(UserFactory())

    response = client.post(reverse("members:organisation_create"), _org_post())

    organisation = Organisation.objects.get(name="Institut für Aufbereitung")
    assert response["Location"] == _url(organisation) + "?welcome=1"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["welcome"] is True
    assert f'href="{organisation.get_absolute_url()}"' in page.text  # skip


def test_a_new_company_goes_to_its_page(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("members:organisation_create"), _org_post(name="Harz Metall GmbH", kind="company")
    )

    assert (
        response["Location"] == Organisation.objects.get(name="Harz Metall GmbH").get_absolute_url()
    )


# The reminder ----------------------------------------------------------------------------


@pytest.fixture
def institute(db):
    organisation = OrganisationFactory(kind=Organisation.Kind.RESEARCH, name="Institut ohne Profil")
    return organisation


def test_reminder_goes_to_the_admins_of_research_institutions_without_profile(
    institute, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(organisation=institute, role=Membership.Role.ADMIN).user
    MembershipFactory(organisation=institute, role=Membership.Role.MEMBER)
    with_profile = OrganisationFactory(kind=Organisation.Kind.RESEARCH)
    CompetenceProfile.objects.create(organisation=with_profile)
    MembershipFactory(organisation=with_profile, role=Membership.Role.ADMIN)
    company = OrganisationFactory(kind=Organisation.Kind.COMPANY)
    MembershipFactory(organisation=company, role=Membership.Role.ADMIN)
    pending = OrganisationFactory(kind=Organisation.Kind.RESEARCH, status="pending")
    MembershipFactory(organisation=pending, role=Membership.Role.ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        reminded = remind_competence_profiles()

    assert reminded == 1
    assert list(Notification.objects.filter(kind=REMINDER).values_list("recipient", flat=True)) == [
        admin.pk
    ]
    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert institute.name in mail.outbox[0].subject
    assert _url(institute) in mail.outbox[0].body
    institute.refresh_from_db()
    assert institute.competence_reminded_at is not None


@pytest.mark.parametrize("language", ["de", "en"])
def test_reminder_in_the_admins_language(institute, language, django_capture_on_commit_callbacks):
    from tests.factories import ProfileFactory

    admin = MembershipFactory(organisation=institute, role=Membership.Role.ADMIN).user
    ProfileFactory(user=admin, preferred_language=language)

    with django_capture_on_commit_callbacks(execute=True):
        competence_reminders_send()

    subject = mail.outbox[0].subject
    expected = "Beschreiben Sie die Kompetenzen" if language == "de" else "Describe the competences"
    assert expected in subject


def test_reminder_at_most_once_in_90_days(institute):
    MembershipFactory(organisation=institute, role=Membership.Role.ADMIN)
    start = timezone.now()

    assert competence_reminders_send(now=start) == 1
    assert competence_reminders_send(now=start + timedelta(days=30)) == 0
    assert competence_reminders_send(now=start + REMINDER_INTERVAL - timedelta(hours=1)) == 0
    assert competence_reminders_send(now=start + REMINDER_INTERVAL + timedelta(days=1)) == 1
    assert Notification.objects.filter(kind=REMINDER).count() == 2


def test_reminder_stops_once_the_profile_exists(institute):
    MembershipFactory(organisation=institute, role=Membership.Role.ADMIN)
    CompetenceProfile.objects.create(organisation=institute)

    assert competence_reminders_send() == 0
    assert not Notification.objects.filter(kind=REMINDER).exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_once():
    organisation = OrganisationFactory(kind=Organisation.Kind.RESEARCH)
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=5)
            results.append(competence_reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(kind=REMINDER).count() == 1


def test_the_beat_schedule_runs_the_reminder_monthly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["members-remind-competence-profiles"]

    assert entry["task"] == "members.remind_competence_profiles"
    assert entry["schedule"].day_of_month == {1}

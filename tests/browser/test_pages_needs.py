"""A1 (WCAG 2.1 AA, axe-core) and 3.5 (no third-party request) on every research-needs page,
as each role sees it, in German and English, at desktop and phone widths."""

import pytest
from django.utils import timezone

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    VIEWPORTS,
    axe_check,
    axe_check_pages,
    login,
    make_organisation,
    make_person,
    make_user,
    paths,
    submit,
    url,
)


@pytest.fixture
def needs_site(live_site):
    """A public need with an accepted and a submitted answer, their conversation with
    messages and files, a draft, a submitted and an anonymous need."""
    from django.core.files.base import ContentFile

    from members.models import Organisation, Topic
    from research_needs.models import Answer, Attachment, Conversation, Message, Need

    anna = make_person("anna")
    sme = make_organisation(users=[anna])
    ben = make_person("ben")
    institute = make_organisation(
        name="Institut für Aufbereitung Clausthal",
        slug="iar-clausthal",
        users=[ben],
        kind=Organisation.Kind.RESEARCH,
    )
    carla = make_user("carla.vogt@example.org", first_name="Carla", last_name="Vogt")
    lab = make_organisation(name="Hochschule Harz Labor", slug="hs-harz-labor", users=[carla])
    olga = make_person("olga", organiser=True)
    topics = list(Topic.objects.filter(slug__in=["battery-recycling", "hydrometallurgy"]))
    now = timezone.now()
    texts = {
        "summary": "Wir suchen ein Verfahren, um Kobalt aus der Schwarzmasse zu laugen.",
        "description": "Unsere Anlage in Goslar zerkleinert jährlich 2.000 t Altbatterien.",
        "challenge_types": ["new_technology", "input_streams"],
        "cooperation_types": ["contract_research", "testing"],
        "partner_kinds": ["research"],
        "keywords": ["Schwarzmasse", "Laugung"],
        "trl_now": 3,
        "trl_target": 6,
    }

    def need(title, **kwargs):
        created = Need.objects.create(
            organisation=sme, created_by=anna, contact_person=anna, title=title, **texts, **kwargs
        )
        created.topics.set(topics)
        return created

    public = need(
        "Kobalt aus Batterien zurückgewinnen",
        status="published",
        submitted_at=now,
        published_at=now,
    )
    need("Entwurf: Schlacke als Baustoff", status="draft")
    submitted = need("Indium aus Displays", status="submitted", submitted_at=now)
    need(
        "Anonym: Sortierung von Kabelschrott",
        status="published",
        visibility="anonymous",
        submitted_at=now,
        published_at=now,
    )
    accepted = Answer.objects.create(
        need=public,
        organisation=institute,
        created_by=ben,
        approach="Selektive Laugung im Technikum, danach Fällung als Hydroxid.",
        competences="Hydrometallurgie",
        cooperation_type="contract_research",
        timeframe="6 Monate",
        status="accepted",
        decided_at=now,
    )
    pending = Answer.objects.create(
        need=public,
        organisation=lab,
        created_by=carla,
        approach="Eine Abschlussarbeit zur Laugung mit organischen Säuren.",
        cooperation_type="student_project",
    )
    for answer in (accepted, pending):
        conversation = Conversation.objects.create(answer=answer)
        Message.objects.create(
            conversation=conversation,
            author=answer.created_by,
            author_organisation=answer.organisation,
            body="Wann könnten wir Proben bekommen?",
        )
        Message.objects.create(
            conversation=conversation,
            author=anna,
            author_organisation=sme,
            body="Nächste Woche schicken wir Ihnen zwei Kilogramm.",
        )
    pdf = b"%PDF-1.4\n%%EOF\n"
    for parent in ({"need": public}, {"answer": accepted}):
        attachment = Attachment(
            original_name="messbericht.pdf", content_type="application/pdf", size=len(pdf), **parent
        )
        attachment.file.save("messbericht.pdf", ContentFile(pdf), save=False)
        attachment.save()
    return {
        "anna": anna,
        "ben": ben,
        "carla": carla,
        "olga": olga,
        "public": public,
        "submitted": submitted,
        "accepted": accepted,
        "pending": pending,
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_needs_pages_as_visitor(needs_site, page, language, viewport):
    public = needs_site["public"]
    pages = [("research_needs:list", {}), ("research_needs:detail", {"pk": public.pk})]
    search = url(language, "research_needs:list") + "?q=Batterien&sort=newest"

    axe_check_pages(page, [*paths(language, pages), (search, 200)], language)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_needs_pages_as_owner(needs_site, page, language, viewport):
    public, accepted, pending = needs_site["public"], needs_site["accepted"], needs_site["pending"]
    login(page, needs_site["anna"].email, PASSWORD, language)
    pages = [
        ("research_needs:list", {}),
        ("research_needs:create", {}),
        ("research_needs:mine", {}),
        ("research_needs:detail", {"pk": public.pk}),
        ("research_needs:detail", {"pk": needs_site["submitted"].pk}),
        ("research_needs:conversation", {"pk": accepted.conversation.pk}),
        ("research_needs:conversation", {"pk": pending.conversation.pk}),
        ("research_needs:answer_decline", {"pk": pending.pk}),
        ("research_needs:close", {"pk": public.pk}),
        ("research_needs:extend", {"pk": public.pk}),
    ]

    axe_check_pages(page, paths(language, pages), language)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_needs_pages_as_researcher(needs_site, page, new_page, language, viewport):
    public, accepted = needs_site["public"], needs_site["accepted"]
    login(page, needs_site["carla"].email, PASSWORD, language)
    pages = [
        ("research_needs:mine", {}),
        ("research_needs:detail", {"pk": public.pk}),
        ("research_needs:conversation", {"pk": needs_site["pending"].conversation.pk}),
        ("research_needs:answer_withdraw", {"pk": needs_site["pending"].pk}),
    ]
    axe_check_pages(page, paths(language, pages), language)

    ben_page = new_page()
    login(ben_page, needs_site["ben"].email, PASSWORD, language)
    ben_pages = [
        ("research_needs:conversation", {"pk": accepted.conversation.pk}),
        ("research_needs:answer_attachment_add", {"pk": accepted.pk}),
    ]
    axe_check_pages(ben_page, paths(language, ben_pages), language)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_needs_pages_as_organiser(needs_site, page, language, viewport):
    submitted = needs_site["submitted"]
    login(page, needs_site["olga"].email, PASSWORD, language)
    pages = [
        ("research_needs:moderation", {}),
        ("research_needs:request_changes", {"pk": submitted.pk}),
        ("research_needs:reject", {"pk": submitted.pk}),
        ("research_needs:detail", {"pk": submitted.pk}),
        ("research_needs:create", {}),
    ]

    axe_check_pages(page, paths(language, pages), language)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_answer_form_as_other_member(needs_site, page, language, viewport):
    """A member of an organisation that has not answered yet: the answer form, blank and
    with the errors of an empty submission."""
    dora = make_user("dora.lang@example.org", first_name="Dora", last_name="Lang")
    make_organisation(name="Stadtwerke Goslar", slug="stadtwerke-goslar", users=[dora])
    login(page, dora.email, PASSWORD, language)
    answer_url = url(language, "research_needs:answer", pk=needs_site["public"].pk)
    axe_check_pages(page, [(answer_url, 200)], language)

    submit(page, page.locator("main form [type=submit]").first, status=400)

    assert page.locator(".invalid-feedback, .is-invalid").count() > 0
    axe_check(page)

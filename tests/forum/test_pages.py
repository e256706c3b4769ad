import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from forum.organisers import ORGANISERS_GROUP
from forum.pages.models import Page

LEGAL_PAGES = {
    "impressum": ("Impressum", "Legal notice"),
    "privacy": ("Datenschutzerklärung", "Privacy policy"),
    "accessibility": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
}


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no lang on <html>"
    return match.group(1)


def h1_count(response) -> int:
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def test_landing_default_language_is_german(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert html_lang(response) == "de"
    assert h1_count(response) == 1


def test_landing_english_under_en_prefix(client, db):
    response = client.get("/en/")

    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert h1_count(response) == 1
    content = response.content.decode()
    assert "Companies and SMEs" in content
    assert "Research institutions" in content
    assert "Municipalities and public bodies" in content


def test_landing_links_to_signup_and_directory_for_visitors(client, db):
    content = client.get("/en/").content.decode()

    assert 'href="/en/accounts/signup/"' in content
    assert 'href="/en/members/"' in content


def test_landing_for_logged_in_member_offers_account_not_signup(client, make_user):
    client.force_login(make_user())

    content = client.get("/en/").content.decode()

    assert 'href="/en/accounts/signup/"' not in content
    assert "Go to my account" in content


def test_landing_has_no_inline_styles_or_scripts(client, db):
    content = client.get("/").content.decode()

    assert "style=" not in content
    assert "<style" not in content
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content) is None


@pytest.mark.parametrize("slug", sorted(LEGAL_PAGES))
def test_legal_page_renders_in_german(client, db, slug):
    response = client.get(f"/pages/{slug}/")

    assert response.status_code == 200
    assert html_lang(response) == "de"
    assert f"<h1>{LEGAL_PAGES[slug][0]}</h1>" in response.content.decode()


@pytest.mark.parametrize("slug", sorted(LEGAL_PAGES))
def test_legal_page_renders_in_english(client, db, slug):
    response = client.get(f"/en/pages/{slug}/")

    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert f"<h1>{LEGAL_PAGES[slug][1]}</h1>" in response.content.decode()


def test_legal_pages_mark_placeholders_for_the_operator(db):
    for page in Page.objects.filter(slug__in=LEGAL_PAGES):
        assert "VOM BETREIBER ZU ERGÄNZEN" in page.body_de
        assert "TO BE COMPLETED BY THE OPERATOR" in page.body_en


def test_privacy_page_names_only_session_and_csrf_cookies(db):
    page = Page.objects.get(slug="privacy")

    for body in (page.body_de, page.body_en):
        assert "sessionid" in body
        assert "csrftoken" in body
        assert "JSON" in body


def test_accessibility_statement_targets_wcag_21_aa(db):
    page = Page.objects.get(slug="accessibility")

    assert "WCAG) 2.1" in page.body_de
    assert "WCAG) 2.1" in page.body_en


def test_unknown_page_returns_404(client, db):
    response = client.get("/pages/does-not-exist/")

    assert response.status_code == 404
    assert html_lang(response) == "de"


def test_unknown_url_in_english_uses_friendly_404(client, db):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert html_lang(response) == "en"


def test_organisers_group_may_edit_pages_but_not_groups_or_permissions(db):
    group = Group.objects.get(name=ORGANISERS_GROUP)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert {("pages", "change_page"), ("pages", "view_page")} <= codenames
    assert not group.permissions.filter(
        content_type__app_label="auth", content_type__model__in=["group", "permission"]
    ).exists()


def test_organiser_can_open_page_in_admin(client, organiser):
    page = Page.objects.get(slug="impressum")
    client.force_login(organiser)

    response = client.get(reverse("admin:pages_page_change", args=[page.pk]))

    assert response.status_code == 200


def test_organiser_can_change_page_in_admin(client, organiser):
    page = Page.objects.get(slug="impressum")
    client.force_login(organiser)

    response = client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {
            "slug": "impressum",
            "title_de": "Impressum",
            "title_en": "Legal notice",
            "body_de": "REWIMET e. V.\n\nAdresse folgt.",
            "body_en": "REWIMET e. V.\n\nAddress to follow.",
        },
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body_de == "REWIMET e. V.\n\nAdresse folgt."
    rendered = client.get("/pages/impressum/").content.decode()
    assert "<p>Adresse folgt.</p>" in rendered


def test_organiser_is_not_superuser(organiser):
    assert organiser.is_staff
    assert not organiser.is_superuser


def test_visitor_cannot_open_page_admin(client, db):
    page = Page.objects.get(slug="impressum")

    response = client.get(reverse("admin:pages_page_change", args=[page.pk]))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_visitor_cannot_change_page_in_admin(client, db):
    page = Page.objects.get(slug="impressum")

    response = client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {"slug": "impressum", "title_de": "x", "title_en": "x", "body_de": "x", "body_en": "x"},
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title_de == "Impressum"


def test_member_without_staff_cannot_open_page_admin(client, make_user):
    page = Page.objects.get(slug="impressum")
    client.force_login(make_user())

    response = client.get(reverse("admin:pages_page_change", args=[page.pk]))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_site_is_named_after_the_forum(db):
    from django.contrib.sites.models import Site

    site = Site.objects.get_current()

    assert site.name == "Innovationsforum Recyclingregion Harz"
    assert site.domain != "example.com"


def test_server_error_page_renders_without_context_processors(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    content = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="de">' in content
    assert "Ein Fehler ist aufgetreten" in content
    assert 'lang="en"' in content


def test_permission_denied_page_is_friendly(rf, db):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    response = permission_denied(rf.get("/"), PermissionDenied())

    assert response.status_code == 403
    assert h1_count(response) == 1


def test_bad_request_page_is_friendly(rf, db):
    from django.core.exceptions import SuspiciousOperation
    from django.views.defaults import bad_request

    response = bad_request(rf.get("/"), SuspiciousOperation())

    assert response.status_code == 400
    assert h1_count(response) == 1


# --- Sections other apps add to the landing page and an organisation's page -------------


def test_page_sections_are_registered_in_their_order():
    from forum import sections

    assert [s.name for s in sections.sections(sections.LANDING)] == ["events", "research_needs"]
    assert [s.name for s in sections.sections(sections.ORGANISATION)] == [
        "research_needs",
        "events",
    ]


def test_landing_shows_next_events_before_newest_needs(client, db):
    from tests.factories import EventFactory, NeedFactory

    EventFactory(title="Werkstatt Batterierecycling")
    NeedFactory(title="Sortierung von Leiterplatten")

    content = client.get("/en/").content.decode()

    assert "Werkstatt Batterierecycling" in content
    assert "Sortierung von Leiterplatten" in content
    assert content.index("Next events") < content.index("Newest research needs")


def test_registered_section_gets_the_request_and_the_organisation(client, db, monkeypatch):
    from forum import sections
    from tests.factories import OrganisationFactory

    calls = []

    def context(request, organisation):
        calls.append((request.path, organisation))
        return {"landing_events": []}

    monkeypatch.setattr(sections, "_sections", {page: {} for page in sections.PAGES})
    for page in sections.PAGES:
        sections.register(page, "probe", template="events/_landing.html", context=context)
    organisation = OrganisationFactory()

    client.get("/en/")
    response = client.get(organisation.get_absolute_url())

    assert calls == [("/en/", None), (organisation.get_absolute_url(), organisation)]
    assert response.context["landing_events"] == []


def test_section_registration_refuses_unknown_pages_and_taken_names(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from forum import sections

    monkeypatch.setattr(sections, "_sections", {page: {} for page in sections.PAGES})

    def context(request, organisation):
        return {}

    first = sections.register(sections.LANDING, "probe", template="a.html", context=context)
    again = sections.register(sections.LANDING, "probe", template="a.html", context=context)
    with pytest.raises(ImproperlyConfigured):
        sections.register(sections.LANDING, "probe", template="b.html", context=context)
    with pytest.raises(ImproperlyConfigured):
        sections.register("imprint", "probe", template="a.html", context=context)
    sections.unregister(sections.LANDING, "probe")

    assert first == again
    assert sections.sections(sections.LANDING) == []

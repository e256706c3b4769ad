"""Issue 11 in Chromium: the logged-in navigation on one line at 1366 px (organisers
included, German and English), breadcrumbs that wrap on a phone, the error summary that
takes the focus and links to its fields, and search results with marked words."""

import pytest

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    PHONE,
    axe_check,
    login,
    make_organisation,
    make_organiser,
    make_user,
    open_page,
    prefix,
    submit,
)

WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def site(live_site):
    from django.contrib.auth.models import Permission

    from forum.notifications.services import notify
    from research_needs.models import Need

    organiser = make_organiser("orga@example.org", first_name="Olga", last_name="Organisatorin")
    organiser.user_permissions.add(*Permission.objects.filter(codename="view_need"))
    organisation = make_organisation(users=[organiser])
    from django.utils import timezone

    need = Need.objects.create(
        organisation=organisation,
        title=(
            "Rückgewinnung von Indium, Gallium und Germanium aus Bildschirmglas "
            "und Leiterplatten der Elektronikschrottaufbereitung im Harz"
        ),
        summary="Wir suchen ein Verfahren für Batterien und Bildschirme.",
        description="Einzelheiten.",
        challenge_types=["new_technology"],
        keywords=["Indium"],
        trl_now=3,
        trl_target=6,
        cooperation_types=["contract_research"],
        partner_kinds=["research"],
        budget_band="10k_50k",
        language="de",
        visibility="public",
        status="published",
        submitted_at=timezone.now(),
        published_at=timezone.now(),
        deadline=timezone.localdate() + timezone.timedelta(days=90),
    )
    for _ in range(12):  # a two-digit unread badge takes room in the navigation too
        notify(kind="research_needs.need_published", recipient=organiser, context={"url": "/"})
    return {"organiser": organiser, "need": need}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", [WIDE], ids=["1366"])
def test_logged_in_navigation_fits_one_line(site, page, language, viewport):
    login(page, "orga@example.org", PASSWORD, language)
    open_page(page, f"{prefix(language)}/needs/")

    tops = page.eval_on_selector_all(
        "#main-nav .nav-link", "links => links.map(l => Math.round(l.getBoundingClientRect().top))"
    )
    assert (
        len(tops) >= 9
    )  # 3 sections, administration, notifications, account, log out, 2 languages
    assert len(set(tops)) == 1, f"navigation wraps: link tops {tops}"
    bell = page.locator("#main-nav a[href$='/notifications/']")
    assert bell.get_attribute("title")
    axe_check(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_breadcrumbs_wrap_on_a_phone(site, page, language, viewport):
    open_page(page, f"{prefix(language)}/needs/{site['need'].pk}/")

    box = page.locator("nav .breadcrumb").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    item = page.locator(".breadcrumb-item.active").bounding_box()
    assert item["x"] + item["width"] <= PHONE["width"]
    axe_check(page)  # includes: the page does not scroll sideways


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "1366"])
def test_error_summary_takes_the_focus_and_links_to_the_field(site, page, viewport):
    make_user("neu@example.org")
    login(page, "neu@example.org", PASSWORD)
    open_page(page, "/members/welcome/organisation/")

    submit(page, page.locator("main form [type=submit]").first, status=400)

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    summary.locator("a[href='#id_name']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_name"
    axe_check(page)


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "1366"])
def test_search_results_mark_the_words(site, page, viewport):
    open_page(page, "/needs/?q=Batterien")

    assert page.locator("#results-heading").inner_text().strip() == "1 Ergebnis für „Batterien“"
    assert page.locator(".need-card mark").first.inner_text() == "Batterien"
    axe_check(page)

"""A1 (WCAG 2.1 AA, axe-core) and 3.5 (no third-party request) on every public page,
in German and English, at desktop and phone widths; plus keyboard checks of the layout."""

import pytest
from django.utils import timezone

from tests.browser.helpers import (
    LANGUAGES,
    PASSWORD,
    PHONE,
    VIEWPORTS,
    assert_language,
    axe_check,
    axe_check_pages,
    login,
    make_organisation,
    make_person,
    make_user,
    open_page,
    paths,
    prefix,
    url,
)

# (id, URL name, kwargs). The organisation page's slug comes from make_organisation().
PAGES = [
    ("landing", "landing", {}),
    ("directory", "members:directory", {}),
    ("organisation", "members:organisation_detail", {"slug": "harz-metall"}),
    ("login", "account_login", {}),
    ("signup", "account_signup", {}),
    ("password-reset", "account_reset_password", {}),
    ("impressum", "pages:detail", {"slug": "impressum"}),
    ("privacy", "pages:detail", {"slug": "privacy"}),
    ("accessibility", "pages:detail", {"slug": "accessibility"}),
]


@pytest.fixture
def site_data(live_site):
    """What the public pages show: one organisation with two people (the topics and the
    legal pages come with ``live_site``)."""
    admin = make_person("anna")
    member = make_person("ben")
    return make_organisation(users=[admin, member])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "kwargs"), [pytest.param(n, k, id=i) for i, n, k in PAGES])
def test_page_has_no_axe_violations_and_no_foreign_requests(
    site_data, page, language, viewport, name, kwargs
):
    path = url(language, name, **kwargs)

    open_page(page, path)

    axe_check(page)
    assert_language(page, language)
    # Foreign requests, console errors and 5xx are checked by the page fixture at teardown.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, language, viewport):
    open_page(page, url(language, "landing"))

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    first_stop = skip_link.evaluate("el => ({href: el.getAttribute('href'), text: el.innerText})")
    box = skip_link.bounding_box()
    page.keyboard.press("Enter")

    assert first_stop["href"] == "#main", f"first Tab stop is {first_stop}"
    assert first_stop["text"].strip()
    # Visible when focused (visually-hidden-focusable), so sighted keyboard users see it.
    assert box is not None and box["width"] > 1 and box["height"] > 1
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_navigation_opens_by_keyboard(page, language):
    """On a phone the navigation is collapsed behind a toggle; Enter on it must open it."""
    page.set_viewport_size(PHONE)
    open_page(page, url(language, "landing"))
    toggler = page.locator("button.navbar-toggler")
    login_link = page.locator("#main-nav").locator(f"a[href='{url(language, 'account_login')}']")
    assert toggler.is_visible()
    assert not login_link.is_visible()

    toggler.focus()
    page.keyboard.press("Enter")

    login_link.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"


# Pages behind the login, as the admin of an organisation.
ADMIN_PAGES = [
    ("members:home", {}),
    ("members:profile_edit", {}),
    ("members:organisation_detail", {"slug": "harz-metall"}),
    ("members:organisation_edit", {"slug": "harz-metall"}),
    ("members:organisation_members", {"slug": "harz-metall"}),
    ("members:leave", {}),
    ("notifications:list", {}),
    ("account_email", {}),
    ("account_change_password", {}),
    ("privacy:overview", {}),
    ("privacy:delete", {}),
]
# Pages of a signed-in person without an organisation (who has an open invitation).
NEWCOMER_PAGES = [
    ("members:onboarding", {}),
    ("members:organisation_create", {}),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_member_pages_have_no_axe_violations(site_data, page, language, viewport):
    login(page, "anna.schmidt@example.org", PASSWORD, language)

    axe_check_pages(page, paths(language, ADMIN_PAGES), language)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_newcomer_and_invitation_pages_have_no_axe_violations(
    site_data, new_page, language, viewport
):
    from members.models import Invitation

    admin = site_data.memberships.get(role="admin").user
    open_invitation = Invitation.objects.create(
        organisation=site_data, email="carla.neu@example.org", invited_by=admin, language=language
    )
    used_invitation = Invitation.objects.create(
        organisation=site_data,
        email="old@example.org",
        invited_by=admin,
        language=language,
        revoked_at=timezone.now(),
    )
    make_user("carla.neu@example.org", first_name="Carla", last_name="Neu")
    invitation_path = url(language, "members:invitation_detail", token=open_invitation.token)
    used_path = url(language, "members:invitation_detail", token=used_invitation.token)

    # A visitor: the invitation (open and used up) and a page that does not exist.
    visitor = new_page()
    axe_check_pages(
        visitor,
        [(invitation_path, 200), (used_path, 410), (f"{prefix(language)}/gibt-es-nicht/", 404)],
        language,
    )

    # Signed in without an organisation: onboarding shows the invitation, and the form.
    newcomer = new_page()
    login(newcomer, "carla.neu@example.org", PASSWORD, language)
    axe_check_pages(newcomer, [*paths(language, NEWCOMER_PAGES), (invitation_path, 200)], language)


def focus_state(page) -> dict:
    """The focused element and whether it shows a clear focus indicator: an opaque outline or
    an opaque box-shadow ring of at least 2px (Bootstrap's translucent pale ring does not count)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const opaque = (colour) => {
                const m = colour.match(/rgba?\\(([^)]*)\\)/);
                if (!m) return false;
                const parts = m[1].split(",").map(Number);
                return parts.length < 4 || parts[3] >= 0.9;
            };
            const outline = style.outlineStyle !== "none"
                && parseFloat(style.outlineWidth) >= 2 && opaque(style.outlineColor);
            const ring = style.boxShadow.split(/,(?![^(]*\\))/).some((shadow) => {
                const spread = shadow.replace(/rgba?\\([^)]*\\)/, "").trim().split(/\\s+/)[3];
                return opaque(shadow) && parseFloat(spread) >= 2;
            });
            return {
                tag: el.tagName.toLowerCase(), name: el.getAttribute("name"),
                text: (el.innerText || el.value || "").trim().slice(0, 40),
                visible: outline || ring,
            };
        }"""
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["members:directory", "account_signup"])
def test_every_tab_stop_shows_focus(site_data, page, language, name):
    """WCAG 2.4.7 and 1.4.11: whatever the keyboard reaches clearly shows that it has focus."""
    page.emulate_media(reduced_motion="reduce")  # no focus transition half-way
    open_page(page, url(language, name))
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        state = focus_state(page)
        if state["tag"] == "body":
            break
        stops.append(state)

    invisible = [s for s in stops if not s["visible"]]
    assert len(stops) >= 8, stops
    assert not invisible, f"focus not clearly visible on: {invisible}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_signup_form_tab_order_follows_the_fields(site_data, page, language):
    open_page(page, url(language, "account_signup"))
    page.locator("input[name=first_name]").focus()
    order = [focus_state(page)["name"]]
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(focus_state(page)["name"])
    page.keyboard.press("Tab")
    after_fields = focus_state(page)

    assert order == ["first_name", "last_name", "email", "password1", "password2"]
    assert after_fields["tag"] == "button"

"""Bad input answers 4xx with a clear message, never 500 (issue 11, R2).

The generic guard (forum.middleware.BadInputMiddleware) refuses NUL bytes, other C0 control
characters and invalid UTF-8 in the path, the query string and form fields with a plain,
translated 400 page; the pixel limit (forum.images) refuses image bombs at the field.
"""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from forum.images import IMAGE_MAX_PIXELS
from members.models import Membership
from tests.factories import MembershipFactory, NeedFactory, OrganisationFactory, png_bytes

pytestmark = pytest.mark.django_db


def pixel_png(width: int, height: int, name: str = "scan.png") -> SimpleUploadedFile:
    """A real, valid black-and-white PNG of any size: a few hundred KB even for 400 MP."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + 1 bit per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    content = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", data)
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org_admin(db):
    organisation = OrganisationFactory(name="Harzer Zinkhütte GmbH", slug="harzer-zinkhuette")
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


# --- the pixel limit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(20000, 20000, id="400MP-pillow-bomb-error"),
        pytest.param(12000, 12000, id="144MP-pillow-warning-only"),
        pytest.param(8000, 5001, id="just-over-40MP"),
    ],
)
def test_logo_with_too_many_pixels_is_refused_at_the_field(client, org_admin, width, height):
    organisation = org_admin.memberships.get().organisation
    client.force_login(org_admin)

    response = client.post(
        reverse("members:organisation_edit", args=[organisation.slug]),
        {
            "name": organisation.name,
            "kind": "company",
            "city": "Goslar",
            "federal_state": "NI",
            "logo": pixel_png(width, height, "logo.png"),
        },
    )

    assert response.status_code == 400
    assert "40 Megapixel" in str(response.context["form"].errors["logo"])
    organisation.refresh_from_db()
    assert not organisation.logo


def test_logo_of_forty_megapixels_is_accepted(client, org_admin):
    assert IMAGE_MAX_PIXELS == 8000 * 5000
    organisation = org_admin.memberships.get().organisation
    client.force_login(org_admin)

    response = client.post(
        reverse("members:organisation_edit", args=[organisation.slug]),
        {
            "name": organisation.name,
            "kind": "company",
            "city": "Goslar",
            "federal_state": "NI",
            "logo": pixel_png(8000, 5000, "logo.png"),
        },
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo


# --- NUL and control characters: the generic guard ----------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/events/registrations/%00/",
        "/events/registrations/%00/confirm/",
        "/members/invitations/%00/",
        "/events/feeds/%00.ics",
        "/members/logos/%00.png",
        "/en/members/logos/%00.png",
        "/needs/?q=ab%00cd",
        "/members/?q=%01",
        "/needs/?q=%FF%FE",
        "/members/%C3%28/",
    ],
)
def test_nul_control_and_invalid_utf8_in_url_answer_400(client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert b"Bad request" in response.content or "Ungültige Anfrage" in response.text


def test_the_400_page_is_translated(client):
    german = client.get("/members/invitations/%00/")
    english = client.get("/en/members/invitations/%00/")

    assert german.status_code == english.status_code == 400
    assert '<html lang="de"' in german.text
    assert '<html lang="en"' in english.text
    assert "Bad request" in english.text
    assert "Bad request" not in german.text


@pytest.mark.parametrize("view", ["research_needs:create", "research_needs:edit"])
def test_nul_in_need_keywords_answers_400(client, view):
    from tests.research_needs.test_forms import _need_post

    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    need = NeedFactory(organisation=organisation, created_by=owner, draft=True)
    client.force_login(owner)
    args = [need.pk] if view.endswith("edit") else []

    response = client.post(reverse(view, args=args), _need_post(keywords="ab\x00cd"))

    assert response.status_code == 400
    need.refresh_from_db()
    assert "ab" not in need.keywords


def test_keywords_field_refuses_nul_on_its_own():
    """The field itself refuses NUL too, whatever the middleware lets through."""
    from research_needs.forms import KeywordsField

    with pytest.raises(Exception) as excinfo:
        KeywordsField().clean("ab\x00cd")

    assert excinfo.typename == "ValidationError"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("ab\x00cd", id="nul"),
        pytest.param("ab\x07cd", id="bell"),
        pytest.param("ab\x1bcd", id="escape"),
        pytest.param("ab\x7fcd", id="delete"),
    ],
)
def test_control_characters_in_any_form_field_answer_400(client, value):
    response = client.post(reverse("account_login"), {"login": value, "password": "x"})

    assert response.status_code == 400
    assert "Bad request" in response.text or "Ungültige Anfrage" in response.text


def test_tab_and_newlines_in_form_fields_are_allowed(client):
    """Text areas carry CR/LF and pasted text carries tabs: these pass the guard."""
    response = client.post(
        reverse("account_login"), {"login": "a\tb\r\nc@example.org", "password": "x"}
    )

    assert response.status_code != 400 or "form" in (response.context or {})


def test_invalid_utf8_in_urlencoded_body_answers_400():
    client = Client()

    response = client.post(
        reverse("account_login"),
        data=b"login=%FF%FEabc&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


def test_nul_in_multipart_field_answers_400_and_file_content_is_not_checked(client, org_admin):
    """A text field of a multipart form is checked; a file's bytes are the upload check's."""
    organisation = org_admin.memberships.get().organisation
    client.force_login(org_admin)
    url = reverse("members:organisation_edit", args=[organisation.slug])
    post = {"name": organisation.name, "kind": "company", "city": "Goslar", "federal_state": "NI"}

    bad = client.post(
        url, {**post, "description": "a\x00b", "logo": SimpleUploadedFile("l.png", png_bytes())}
    )
    good = client.post(
        url, {**post, "logo": SimpleUploadedFile("l\x00.png", png_bytes(), "image/png")}
    )

    assert bad.status_code == 400
    assert good.status_code in {302, 400}  # the file's own checks answer, not a 500
    organisation.refresh_from_db()
    assert "\x00" not in organisation.description


# --- the admin -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [" ", "abc", "1e400", "' OR 1=1 --"])
def test_admin_autocomplete_field_with_a_non_id_answers_400(client, value):
    """Django's autocomplete widget looked the bad value up again to render the form."""
    from tests.factories import EventFactory, organiser

    EventFactory()
    client.force_login(organiser())

    response = client.post(
        "/admin/events/programmeitem/add/", {"event": value, "kind": "talk", "title": "x"}
    )

    assert response.status_code in {200, 400}
    assert response.context["adminform"].form.errors["event"]


@pytest.mark.parametrize("target", ["1e400", "home", "landing"])
def test_notification_read_with_a_next_that_is_no_url_does_not_500(client, target):
    """redirect() took a bare word for a view name and failed to reverse it (found by
    the fuzz test)."""
    from tests.notifications.factories import NotificationFactory

    notification = NotificationFactory()
    client.force_login(notification.recipient)

    response = client.post(reverse("notifications:read", args=[notification.pk]), {"next": target})

    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/events/registrations/%00/", "/static/%00.css", "/%C3%28/"])
def test_the_400_for_bad_input_carries_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]

import io
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from members.models import Consent, Invitation, Membership, Organisation
from tests.factories import (
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
    png_bytes,
    topic,
)
from tests.members.html import check_page

pytestmark = pytest.mark.django_db


def _image(fmt="PNG", size=(20, 20), name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, fmt)
    buffer.seek(0)
    buffer.name = name
    return buffer


def _org_post(**overrides):
    data = {
        "name": "Harz Metall GmbH",
        "kind": "company",
        "city": "Goslar",
        "federal_state": "NI",
        "size_band": "",
        "description": "",
        "website": "",
    }
    data.update(overrides)
    return data


# --- directory ---------------------------------------------------------------------------


def test_directory_visitor_sees_organisations(client, org):
    response = client.get(reverse("members:directory"))

    assert response.status_code == 200
    assert org.name in response.text
    check_page(response.content)


def test_directory_filters_by_kind_state_topic_and_text(client):
    match = OrganisationFactory(
        name="Batterie Harz",
        kind="research",
        federal_state="ST",
        city="Halle",
        topics=[topic("battery-recycling")],
    )
    OrganisationFactory(
        name="Wrong kind", kind="company", federal_state="ST", topics=[topic("battery-recycling")]
    )
    OrganisationFactory(
        name="Wrong state", kind="research", federal_state="NI", topics=[topic("battery-recycling")]
    )
    OrganisationFactory(name="Wrong topic", kind="research", federal_state="ST")

    response = client.get(
        reverse("members:directory"),
        {"kind": "research", "federal_state": "ST", "topic": "battery-recycling", "q": "halle"},
    )

    assert response.status_code == 200
    assert list(response.context["organisations"]) == [match]


def test_directory_invalid_filter_answers_400_with_errors(client, org):
    response = client.get(reverse("members:directory"), {"kind": "pirate", "topic": "nope"})

    assert response.status_code == 400
    assert "kind" in response.context["filter_form"].errors
    assert "topic" in response.context["filter_form"].errors


def test_directory_paginates_twenty_per_page(client):
    OrganisationFactory.create_batch(25)

    first = client.get(reverse("members:directory"))
    second = client.get(reverse("members:directory"), {"page": 2})

    assert len(first.context["organisations"]) == 20
    assert len(second.context["organisations"]) == 5
    assert 'aria-current="page"' in second.text
    assert 'aria-label="Pages"' in first.text or "aria-label" in first.text


def test_directory_keeps_filters_in_page_links(client):
    OrganisationFactory.create_batch(21, kind="research")

    response = client.get(reverse("members:directory"), {"kind": "research"})

    assert "?kind=research&amp;page=2" in response.text


# --- organisation page -------------------------------------------------------------------


def test_organisation_detail_visitor_sees_public_data_only(client, org, member):
    response = client.get(org.get_absolute_url())

    assert response.status_code == 200
    assert org.name in response.text and org.city in response.text
    assert member.last_name not in response.text
    assert reverse("members:organisation_edit", args=[org.slug]) not in response.text
    check_page(response.content)


def test_organisation_detail_member_of_other_org_sees_people(client, org, member, outsider):
    client.force_login(outsider)

    response = client.get(org.get_absolute_url())

    assert member.last_name in response.text
    assert reverse("members:organisation_edit", args=[org.slug]) not in response.text


def test_organisation_detail_admin_sees_edit_and_people_links(client, org, admin):
    client.force_login(admin)

    response = client.get(org.get_absolute_url())

    assert reverse("members:organisation_edit", args=[org.slug]) in response.text
    assert reverse("members:organisation_members", args=[org.slug]) in response.text


def test_organisation_detail_unknown_slug_is_404(client, db):
    assert client.get(reverse("members:organisation_detail", args=["nobody"])).status_code == 404


# --- organisation edit -------------------------------------------------------------------


def test_organisation_edit_admin_saves(client, org, admin):
    client.force_login(admin)
    url = reverse("members:organisation_edit", args=[org.slug])

    get = client.get(url)
    response = client.post(url, _org_post(name="Neu GmbH", topics=[topic("weee").pk]))

    assert get.status_code == 200
    check_page(get.content)
    assert response.status_code == 302 and response["Location"] == org.get_absolute_url()
    org.refresh_from_db()
    assert org.name == "Neu GmbH"
    assert list(org.topics.values_list("slug", flat=True)) == ["weee"]


def test_organisation_edit_invalid_answers_400_and_keeps_input(client, org, admin):
    client.force_login(admin)

    response = client.post(
        reverse("members:organisation_edit", args=[org.slug]),
        _org_post(name="Typed name", website="not a url", federal_state="ZZ"),
    )

    assert response.status_code == 400
    assert {"website", "federal_state"} <= set(response.context["form"].errors)
    assert 'value="Typed name"' in response.text
    check_page(response.content)


def test_organisation_edit_logo_png_is_stored(client, org, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)

    response = client.post(
        reverse("members:organisation_edit", args=[org.slug]), _org_post(logo=_image())
    )

    assert response.status_code == 302
    org.refresh_from_db()
    # Stored under a server-generated name, not the uploader's.
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", org.logo.name)


def test_organisation_logo_is_served_with_its_type(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org.logo.save("../../etc/evil name.png", ContentFile(png_bytes()), save=True)

    page = client.get(reverse("members:organisation_detail", args=[org.slug]))
    response = client.get(org.logo.url)

    assert org.logo.url.startswith("/members/logos/")
    assert f'src="{org.logo.url}"' in page.text
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == png_bytes()
    assert "evil" not in org.logo.name


def test_organisation_logo_only_current_logos_are_served(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    old_url = org.logo.url
    old_name = org.logo.name
    org.logo.save("new.png", ContentFile(png_bytes(colour="red")), save=True)

    # The old file is still on disk, but no organisation uses it any more.
    assert (tmp_path / old_name).exists()
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("members:organisation_logo", args=["nope.png"])).status_code == 404
    assert client.get(org.logo.url).status_code == 200
    (tmp_path / org.logo.name).unlink()  # the file vanished from disk
    assert client.get(org.logo.url).status_code == 404


def test_organisation_edit_shows_working_logo_link(client, org, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    client.force_login(admin)

    response = client.get(reverse("members:organisation_edit", args=[org.slug]))

    assert f'href="{org.logo.url}"' in response.text
    assert "/media/" not in response.text


def test_organisation_edit_logo_gif_is_refused(client, org, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)

    response = client.post(
        reverse("members:organisation_edit", args=[org.slug]),
        _org_post(logo=_image("GIF", name="logo.png")),
    )

    assert response.status_code == 400
    assert "logo" in response.context["form"].errors


def test_organisation_edit_logo_not_an_image_is_refused(client, org, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "logo.png"

    response = client.post(
        reverse("members:organisation_edit", args=[org.slug]), _org_post(logo=fake)
    )

    assert response.status_code == 400
    assert "logo" in response.context["form"].errors


def test_organisation_edit_logo_over_2mb_is_refused(client, org, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin)
    big = io.BytesIO(_image().getvalue() + b"\0" * (2 * 1024 * 1024))
    big.name = "logo.png"

    response = client.post(
        reverse("members:organisation_edit", args=[org.slug]), _org_post(logo=big)
    )

    assert response.status_code == 400
    assert "2 MB" in str(response.context["form"].errors["logo"])


def test_organisation_edit_member_gets_404(client, org, member):
    client.force_login(member)

    assert client.get(reverse("members:organisation_edit", args=[org.slug])).status_code == 404


def test_organisation_edit_visitor_is_redirected_to_login(client, org):
    url = reverse("members:organisation_edit", args=[org.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- people page -------------------------------------------------------------------------


def test_organisation_members_admin_sees_people_and_invitations(client, org, admin, member):
    invitation = InvitationFactory(organisation=org, email="waiting@example.org")
    client.force_login(admin)

    response = client.get(reverse("members:organisation_members", args=[org.slug]))

    assert response.status_code == 200
    assert member.email in response.text and invitation.email in response.text
    check_page(response.content)


def test_organisation_members_invite_sends_mail(
    client, org, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:organisation_members", args=[org.slug]),
            {"email": "new@example.org", "role": "member"},
        )

    assert response.status_code == 302
    assert Invitation.objects.filter(organisation=org, email="new@example.org").exists()
    assert mail.outbox[0].to == ["new@example.org"]


def test_organisation_members_invalid_invite_answers_400(client, org, admin, member):
    client.force_login(admin)

    bad_email = client.post(
        reverse("members:organisation_members", args=[org.slug]),
        {"email": "nonsense", "role": "member"},
    )
    existing = client.post(
        reverse("members:organisation_members", args=[org.slug]),
        {"email": member.email, "role": "member"},
    )

    assert bad_email.status_code == 400 and "email" in bad_email.context["form"].errors
    assert 'value="nonsense"' in bad_email.text
    assert existing.status_code == 400 and "email" in existing.context["form"].errors


def test_membership_set_role_view_promotes(client, org, admin, member_membership):
    client.force_login(admin)

    response = client.post(
        reverse("members:membership_set_role", args=[org.slug, member_membership.pk]),
        {"role": "admin"},
    )

    assert response.status_code == 302
    member_membership.refresh_from_db()
    assert member_membership.is_admin


def test_membership_set_role_view_last_admin_shows_error(client, org, admin, admin_membership):
    client.force_login(admin)

    response = client.post(
        reverse("members:membership_set_role", args=[org.slug, admin_membership.pk]),
        {"role": "member"},
        follow=True,
    )

    assert (
        escape(gettext("The last admin cannot become a member. Make someone else an admin first."))
        in response.text
    )
    admin_membership.refresh_from_db()
    assert admin_membership.is_admin


def test_membership_remove_view_removes(client, org, admin, member_membership):
    client.force_login(admin)

    response = client.post(
        reverse("members:membership_remove", args=[org.slug, member_membership.pk])
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member_membership.pk).exists()


def test_membership_remove_view_get_is_405(client, org, admin, member_membership):
    client.force_login(admin)

    response = client.get(
        reverse("members:membership_remove", args=[org.slug, member_membership.pk])
    )

    assert response.status_code == 405


def test_membership_remove_view_membership_of_other_org_is_404(client, org, admin, outsider):
    client.force_login(admin)
    foreign = Membership.objects.get(user=outsider)

    response = client.post(reverse("members:membership_remove", args=[org.slug, foreign.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_invitation_revoke_view_revokes(client, org, admin):
    invitation = InvitationFactory(organisation=org)
    client.force_login(admin)

    response = client.post(reverse("members:invitation_revoke", args=[org.slug, invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# --- own account -------------------------------------------------------------------------


def test_home_member_sees_dashboard(client, member):
    client.force_login(member)

    response = client.get(reverse("members:home"))

    assert response.status_code == 200
    assert member.email in response.text
    assert reverse("account_change_password") in response.text
    # The organisation's introductions (issue 13) are one click from home.
    assert f'href="{reverse("research_needs:introductions")}"' in response.text
    check_page(response.content)


def test_home_without_organisation_redirects_to_onboarding(client):
    client.force_login(UserFactory())

    response = client.get(reverse("members:home"))

    assert response.status_code == 302 and response["Location"] == reverse("members:onboarding")


def test_home_visitor_is_redirected_to_login(client, db):
    response = client.get(reverse("members:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_edit_saves_and_records_consent(client, member):
    client.force_login(member)
    url = reverse("members:profile_edit")

    get = client.get(url)
    response = client.post(
        url,
        {
            "first_name": "Nora",
            "last_name": "Kahl",
            "position": "CTO",
            "phone": "",
            "expertise_keywords": "slag, zinc",
            "topics": [topic("slags-residues").pk],
            "preferred_language": "en",
            "marketing_consent": "on",
        },
    )

    assert get.status_code == 200
    check_page(get.content)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Nora" and member.profile.position == "CTO"
    consent = Consent.objects.get(user=member)
    assert consent.given and consent.kind == Consent.Kind.MARKETING


def test_home_and_profile_pages_do_not_write_for_an_account_without_profile(client, organiser_user):
    """An account made in the admin has no profile; opening its pages reads only, and the
    first save of the profile form creates it."""
    from members.models import Profile

    client.force_login(organiser_user)
    Profile.objects.filter(user=organiser_user).delete()

    home = client.get(reverse("members:home"))
    form = client.get(reverse("members:profile_edit"))

    assert home.status_code == 200 and form.status_code == 200
    assert not Profile.objects.filter(user=organiser_user).exists()
    response = client.post(
        reverse("members:profile_edit"),
        {"first_name": "Olga", "last_name": "Brandt", "preferred_language": "de"},
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=organiser_user).preferred_language == "de"


def test_profile_edit_invalid_answers_400_and_keeps_input(client, member):
    client.force_login(member)

    response = client.post(
        reverse("members:profile_edit"),
        {"first_name": "", "last_name": "Kahl", "position": "CTO", "preferred_language": "xx"},
    )

    assert response.status_code == 400
    assert {"first_name", "preferred_language"} <= set(response.context["form"].errors)
    assert 'value="CTO"' in response.text
    check_page(response.content)


def test_leave_member_leaves(client, member):
    client.force_login(member)

    get = client.get(reverse("members:leave"))
    response = client.post(reverse("members:leave"))

    assert get.status_code == 200
    check_page(get.content)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member).exists()


def test_leave_last_admin_answers_400(client, admin, member):
    # With other members left (issue 11: the very last member may leave; the organisation
    # is then deactivated, see test_approval.py).
    client.force_login(admin)

    response = client.post(reverse("members:leave"))

    assert response.status_code == 400
    assert (
        escape(gettext("You are the last admin. Make someone else an admin before you leave."))
        in response.text
    )
    assert Membership.objects.filter(user=admin).exists()


# --- onboarding --------------------------------------------------------------------------


def test_onboarding_lists_open_invitations_for_verified_email(client, org):
    user = UserFactory(email="jo@example.org")
    InvitationFactory(organisation=org, email="JO@example.org")
    InvitationFactory(email="jo@example.org", expired=True)
    client.force_login(user)

    response = client.get(reverse("members:onboarding"))

    assert response.status_code == 200
    assert [i.organisation for i in response.context["invitations"]] == [org]
    check_page(response.content)


def test_onboarding_member_is_redirected_home(client, member):
    client.force_login(member)

    assert client.get(reverse("members:onboarding"))["Location"] == reverse("members:home")


def test_organisation_create_view_creates_and_redirects(client):
    user = UserFactory()
    client.force_login(user)

    get = client.get(reverse("members:organisation_create"))
    response = client.post(reverse("members:organisation_create"), _org_post())

    assert get.status_code == 200
    check_page(get.content)
    organisation = Organisation.objects.get(name="Harz Metall GmbH")
    assert response["Location"] == organisation.get_absolute_url()
    assert Membership.objects.get(user=user).is_admin


def test_organisation_create_view_invalid_answers_400(client):
    client.force_login(UserFactory())

    response = client.post(reverse("members:organisation_create"), _org_post(name="", kind="x"))

    assert response.status_code == 400
    assert {"name", "kind"} <= set(response.context["form"].errors)
    assert 'value="Goslar"' in response.text


def test_organisation_create_view_member_is_redirected_home(client, member):
    client.force_login(member)

    response = client.post(reverse("members:organisation_create"), _org_post())

    assert response["Location"] == reverse("members:home")
    assert not Organisation.objects.filter(name="Harz Metall GmbH").exists()


def test_organisation_create_view_in_english(client):
    client.force_login(UserFactory())

    response = client.get("/en/members/welcome/organisation/")

    assert response.status_code == 200
    assert 'lang="en"' in response.text


def test_other_member_cannot_see_people_page(client, org, outsider):
    client.force_login(outsider)

    response = client.get(reverse("members:organisation_members", args=[org.slug]))

    assert response.status_code == 404

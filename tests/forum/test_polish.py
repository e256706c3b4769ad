"""Small things from the newcomer run (issue 11, deliverable 8): formats, favicon, field
borders, error summary, slugs, the admin's buttons and time fields, German wording."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTimeWidget
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation
from PIL import Image

from events.models import Event, Registration, SessionSignup
from forum.text import slugify_de
from members.services import organisation_create
from tests.factories import MembershipFactory, UserFactory, organiser

STATIC = Path(settings.BASE_DIR) / "static"


# --- Dates and times ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "english", "german"),
    [
        ("DATE_FORMAT", "25 November 2026", "25. November 2026"),
        ("DATETIME_FORMAT", "25 November 2026, 14:30", "25. November 2026, 14:30 Uhr"),
        ("SHORT_DATE_FORMAT", "25/11/2026", "25.11.2026"),
        ("SHORT_DATETIME_FORMAT", "25/11/2026 14:30", "25.11.2026 14:30"),
        ("TIME_FORMAT", "14:30", "14:30"),
    ],
)
def test_dates_are_day_month_year_and_times_24_hours(fmt, english, german):
    moment = datetime(2026, 11, 25, 14, 30)

    def render():
        if fmt == "TIME_FORMAT":
            return formats.time_format(moment.time(), fmt)
        return formats.date_format(moment, fmt)

    with translation.override("en"):
        assert render() == english
    with translation.override("de"):
        assert render() == german


def test_english_event_page_shows_day_month_year(client, db):
    from tests.factories import EventFactory

    event = EventFactory(title="Workshop Sortierung")

    html = client.get(f"/en/events/{event.slug}/").content.decode()

    day = formats.date_format(event.starts_at.date(), "j F Y", use_l10n=False)
    assert day.split()[0] in html and re.search(r"\b\d{1,2} [A-Z][a-z]+ 20\d\d\b", html)
    assert " a.m." not in html and " p.m." not in html


@pytest.mark.parametrize("language", ["de", "en"])
def test_time_fields_show_no_seconds(language):
    with translation.override(language):
        plain = forms.TimeField(widget=forms.TimeInput).widget.render("t", time(9, 30, 0))
        admin = AdminTimeWidget().render("t", time(9, 30, 0))
        split = AdminSplitDateTime().render("when", datetime(2027, 9, 15, 9, 30))

    for html in (plain, admin, split):
        assert 'value="09:30"' in html
        assert "09:30:00" not in html


@pytest.mark.parametrize("language", ["de", "en"])
def test_time_fields_still_accept_seconds(language):
    with translation.override(language):
        field = forms.TimeField()
        assert field.clean("09:30") == time(9, 30)
        assert field.clean("09:30:15") == time(9, 30, 15)


def test_english_dates_are_typed_day_first():
    with translation.override("en"):
        assert forms.DateField().clean("03/04/2027") == date(2027, 4, 3)


# --- Favicon -----------------------------------------------------------------------------


def test_favicon_files_exist_and_are_images():
    assert (STATIC / "img" / "favicon.svg").read_text().startswith("<svg")
    for name, size in [("favicon-32.png", (32, 32)), ("apple-touch-icon.png", (180, 180))]:
        with Image.open(STATIC / "img" / name) as image:
            assert image.size == size
    with Image.open(STATIC / "img" / "favicon.ico") as icon:
        assert icon.format == "ICO"


def test_favicon_ico_answers_with_a_redirect_to_the_static_icon(client, db):
    for method in (client.get, client.head):
        response = method("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"].endswith("img/favicon.ico")


def test_every_page_links_the_icons(client, db):
    html = client.get("/").content.decode()

    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in html
    assert 'rel="icon" href="/static/img/favicon-32.png"' in html
    assert 'rel="apple-touch-icon"' in html


# --- Colours -----------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_checkbox_and_radio_borders_keep_3_to_1_on_white():
    css = (STATIC / "css" / "forum.css").read_text()
    border = re.search(r"--forum-field-border:\s*(#[0-9a-fA-F]{6})", css).group(1)

    assert _contrast(border, "#ffffff") >= 3
    rule = re.search(
        r"\.form-check-input[^{]*\{[^}]*border-color:\s*var\(--forum-field-border\)", css
    )
    assert rule, "checkboxes and radios use the field border"


def test_links_use_the_sites_green_in_bootstraps_variables_too():
    css = (STATIC / "css" / "forum.css").read_text()

    assert "--bs-link-color: #1f5f3f" in css
    assert "--bs-link-color-rgb: 31, 95, 63" in css
    assert _contrast("#1f5f3f", "#ffffff") >= 4.5


# --- Error summary -----------------------------------------------------------------------


class _Form(forms.Form):
    name = forms.CharField(label="Name")
    kind = forms.ChoiceField(
        label="Art", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("Das ganze Formular <passt> nicht.")


def test_error_summary_lists_every_error_with_a_link_to_its_field():
    form = _Form(data={"name": ""})
    form.is_valid()

    html = Template('{% include "forum/_error_summary.html" with form=form %}').render(
        Context({"form": form})
    )

    assert 'class="alert alert-danger error-summary"' in html
    assert 'href="#id_name"' in html
    assert 'href="#id_kind_0"' in html  # radio buttons: the first choice
    assert "Das ganze Formular &lt;passt&gt; nicht." in html  # escaped
    assert "Bitte korrigieren Sie 3 Angaben:" in html


def test_error_summary_is_empty_for_a_valid_or_unbound_form():
    html = Template('{% include "forum/_error_summary.html" with form=form %}').render(
        Context({"form": forms.Form()})
    )
    assert "error-summary" not in html


def test_organisation_form_with_errors_starts_with_the_summary(client, db):
    client.force_login(UserFactory())

    response = client.post(reverse("members:organisation_create"), {"name": ""})

    assert response.status_code == 400
    html = response.content.decode()
    summary = html.index("error-summary")
    assert summary < html.index('id="id_name"')
    assert 'href="#id_name"' in html[summary:]


def test_profile_form_summary_covers_both_forms(client, db):
    user = MembershipFactory().user
    client.force_login(user)

    response = client.post(reverse("members:profile_edit"), {"preferred_language": "xx"})

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


# --- Slugs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Metallrückgewinnung", "metallrueckgewinnung"),
        ("Größe & Maß", "groesse-mass"),
        ("Ärger über Öl", "aerger-ueber-oel"),
        ("STRAẞE", "strasse"),
        ("Mu\u0308ll", "muell"),  # u + combining diaeresis
        ("Café Niño", "cafe-nino"),
    ],
)
def test_slugify_de_transliterates_the_german_way(text, slug):
    assert slugify_de(text) == slug


def test_organisation_slug_transliterates_umlauts(db):
    user = UserFactory()

    organisation = organisation_create(
        actor=user,
        name="Müller Schrottrückgewinnung GmbH",
        kind="company",
        city="Goslar",
        federal_state="NI",
    )

    assert organisation.slug == "mueller-schrottrueckgewinnung-gmbh"


# --- Admin -------------------------------------------------------------------------------


def test_admin_buttons_say_speichern_in_normal_case(client, db):
    client.force_login(organiser())

    html = client.get(reverse("admin:events_event_add")).content.decode()

    assert "Sichern" not in html
    assert 'value="Speichern"' in html
    assert "Speichern und weiter bearbeiten" in html
    assert "/static/css/admin.css" in html
    assert "/static/js/admin-slug.js" in html
    css = (STATIC / "css" / "admin.css").read_text()
    assert re.search(r"body \.submit-row input\.default[^{]*\{[^}]*text-transform:\s*none", css)


def test_admin_slug_script_transliterates_like_slugify_de():
    script = (STATIC / "js" / "admin-slug.js").read_text()
    for letter, latin in {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}.items():
        assert f'"{letter}": "{latin}"' in script


# --- German wording ----------------------------------------------------------------------


def test_cancelled_means_abgesagt_for_events_and_storniert_for_registrations():
    with translation.override("de"):
        assert str(Event.Status.CANCELLED.label) == "Abgesagt"
        assert str(Registration.Status.CANCELLED.label) == "Storniert"
        assert str(SessionSignup.Status.CANCELLED.label) == "Storniert"
    with translation.override("en"):
        assert str(Registration.Status.CANCELLED.label) == "Cancelled"


def test_german_wording_fixes():
    with translation.override("de"):
        assert translation.gettext("Please check your mailbox") == "Bitte prüfen Sie Ihr Postfach"
        assert translation.gettext("Sign In") == "Anmelden"
        assert translation.gettext("Save and continue editing") == "Speichern und weiter bearbeiten"
        assert translation.gettext("Their feedback:") != "Ihre Rückmeldung:"


def test_german_login_button_says_anmelden(client, db):
    html = client.get(reverse("account_login")).content.decode()

    button = re.search(r'<button[^>]*type="submit"[^>]*>\s*([^<]+?)\s*<', html)
    assert button and button.group(1) == "Anmelden"

"""The programme and badge PDFs: text extracted with pypdf and checked against the database,
A4 pages, tagged (StructTreeRoot, MarkInfo, language), no fetch of another host."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from events import pdf
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    RoomFactory,
    SpeakerFactory,
    StandFactory,
)

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points
A6_W, A6_H = 105 / 25.4 * 72, 148.5 / 25.4 * 72


def tr(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def text_of(reader: PdfReader) -> str:
    # Layout may break a long line; compare on words separated by single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def assert_a4(reader: PdfReader):
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1


def assert_tagged(reader: PdfReader, language: str):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).startswith(language)


def figures(reader: PdfReader) -> list[str]:
    """The alternative texts of the Figure elements in the PDF's structure tree."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture
def forum(db):
    event = EventFactory(
        title="Innovationsforum Recyclingregion Harz 2026",
        two_days=True,
        venue_name="Kaiserpfalz Goslar",
        venue_address="Kaiserbleek 6\n38640 Goslar",
    )
    hall = RoomFactory(event=event, name="Kaisersaal")
    side = RoomFactory(event=event, name="Raum Oker")
    weber = SpeakerFactory(event=event, name="Dr. Anna Weber", organisation_name="TU Clausthal")
    member = OrganisationFactory(name="Harzer Zinkhütte GmbH")
    becker = SpeakerFactory(
        event=event, name="Jonas Becker", organisation=member, organisation_name=""
    )
    items = [
        ProgrammeItemFactory(
            event=event,
            kind="keynote",
            title="Kritische Rohstoffe aus dem Harz",
            abstract="Gallium, Germanium und Indium in alten Halden.",
            room=hall,
            speakers=[weber],
        ),
        ProgrammeItemFactory(
            event=event,
            title="Schwarzmasse im Mittelstand",
            abstract="Wie ein KMU Batterien aufbereitet.",
            starts_at=event.starts_at + timedelta(hours=1),
            room=side,
            speakers=[becker, weber],
        ),
        ProgrammeItemFactory(
            event=event,
            kind="break",
            title="Mittagspause",
            abstract="",
            starts_at=event.starts_at + timedelta(hours=3),
            room=hall,
        ),
        ProgrammeItemFactory(
            event=event,
            kind="workshop_session",
            title="Laborführung Hydrometallurgie",
            starts_at=event.starts_at + timedelta(days=1),
            room=side,
            capacity=12,
            speakers=[becker],
        ),
    ]
    stands = [
        StandFactory(event=event, organisation=member, confirmed=True, number="A07", area="Foyer"),
        StandFactory(
            event=event,
            organisation=OrganisationFactory(name="Fraunhofer IWKS"),
            confirmed=True,
            number="B12",
            area="Galerie",
        ),
    ]
    declined = StandFactory(
        event=event, organisation=OrganisationFactory(name="Abgelehnt AG"), status="declined"
    )
    return event, items, stands, declined


@pytest.mark.parametrize("language", ["de", "en"])
def test_programme_pdf_holds_the_programme(forum, language):
    event, items, stands, declined = forum
    event.language = language
    event.save()

    reader = PdfReader(io.BytesIO(pdf.programme_pdf_bytes(event)))

    text = text_of(reader)
    assert_a4(reader)
    assert_tagged(reader, language)
    assert event.title in text and "Kaiserbleek 6" in text and "38640 Goslar" in text
    for item in items:
        assert item.title in text
    assert "Dr. Anna Weber (TU Clausthal)" in text
    assert "Jonas Becker (Harzer Zinkhütte GmbH)" in text  # affiliation from the member
    assert "Gallium, Germanium und Indium in alten Halden." in text  # abstract
    for stand in stands:
        assert stand.number in text and stand.organisation.name in text and stand.area in text
    assert declined.organisation.name not in text
    for msgid in ["Talks and abstracts", "Exhibitors", "Venue information", "Room"]:
        assert tr(language, msgid) in text
    assert "Kaisersaal" in text and "Raum Oker" in text
    with translation.override(language):
        day_two = gettext("Day %(number)s") % {"number": 2}
    assert day_two in text
    metadata = reader.metadata
    assert event.title in metadata.title


def test_programme_pdf_of_an_event_without_programme(db):
    event = EventFactory(title="Exkursion Rammelsberg")

    reader = PdfReader(io.BytesIO(pdf.programme_pdf_bytes(event)))

    assert "Exkursion Rammelsberg" in text_of(reader)
    assert tr("de", "The programme will be published soon.") in text_of(reader)


def test_fetcher_refuses_other_hosts():
    fetcher = pdf.LocalFetcher()
    html = (
        '<!DOCTYPE html><html lang="de"><head><title>t</title>'
        '<link rel="stylesheet" href="http://example.org/x.css"></head><body>'
        '<img src="https://example.org/x.png" alt="x">'
        '<img src="file:///etc/passwd" alt="y">'
        '<img src="//example.org/y.png" alt="z"><p>Hallo</p></body></html>'
    )

    data = pdf.render_pdf(html, fetcher=fetcher)

    assert data.startswith(b"%PDF")
    assert "https://example.org/x.png" in fetcher.refused
    assert "http://example.org/x.css" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert any(url.endswith("//example.org/y.png") for url in fetcher.refused)


def test_fetcher_allows_local_fonts_and_static_files():
    fetcher = pdf.LocalFetcher()

    assert fetcher.is_allowed((pdf.FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert fetcher.is_allowed(pdf._static_url("img/harz-cycle.svg"))
    assert fetcher.is_allowed("data:image/png;base64,iVBORw0KGgo=")
    assert not fetcher.is_allowed("file:///etc/hostname")
    assert not fetcher.is_allowed((pdf.FONT_DIR / ".." / ".." / "passwd").as_uri())
    assert not fetcher.is_allowed("ftp://example.org/font.ttf")


def test_programme_pdf_fetches_only_local_files(forum):
    event, *_rest = forum
    event.description = 'Siehe <img src="https://example.org/tracker.png">'
    event.save()
    fetcher = pdf.LocalFetcher()

    pdf.programme_pdf_bytes(event, fetcher=fetcher)

    assert fetcher.refused == []  # the text is escaped: no <img> at all


def test_fonts_are_embedded_from_the_local_directory(forum):
    event, *_rest = forum
    reader = PdfReader(io.BytesIO(pdf.programme_pdf_bytes(event)))

    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert fonts and all("DejaVu" in name for name in fonts), fonts


# --- badges -------------------------------------------------------------------------------


def test_badges_four_per_a4_page_with_names_and_codes(db):
    event = EventFactory(title="Workshop Katalysatoren")
    member = OrganisationFactory(name="Oberharzer Elektronikschrott AG")
    people = [
        RegistrationFactory(event=event, name=f"Person {n:02d}", organisation_name="TU Clausthal")
        for n in range(5)
    ]
    people.append(RegistrationFactory(event=event, name="Mitglied Muster", organisation=member))
    RegistrationFactory(event=event, name="Wartende Person", waitlisted=True)
    RegistrationFactory(event=event, name="Abgesagte Person", cancelled=True)

    reader = PdfReader(io.BytesIO(pdf.badges_pdf_bytes(event)))

    assert len(reader.pages) == 2  # six badges: four and two
    assert_a4(reader)
    assert_tagged(reader, "de")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    names = sorted(registration.name for registration in people)  # in alphabetical order
    assert [name for name in names if name in pages[0]] == names[:4]
    assert [name for name in names if name in pages[1]] == names[4:]
    assert "Oberharzer Elektronikschrott AG" in pages[0]  # Mitglied Muster's member organisation
    text = " ".join(pages)
    assert "Wartende Person" not in text and "Abgesagte Person" not in text
    assert text.count("Workshop Katalysatoren") == 6
    # One QR code per badge, a figure with its alternative text in the structure tree.
    assert figures(reader).count(tr("de", "Check-in code")) == 6


def test_badges_of_an_event_without_attendees(db):
    event = EventFactory()

    reader = PdfReader(io.BytesIO(pdf.badges_pdf_bytes(event)))

    assert len(reader.pages) == 1
    assert tr("de", "No confirmed registrations yet.") in text_of(reader)


# --- fonts shared between PDFs --------------------------------------------------------------


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    return names


def test_pdfs_made_one_after_another_share_the_fonts_but_nothing_of_each_other(db):
    """One font configuration per thread serves every PDF (issue 14's 300 agendas); each PDF
    still embeds its fonts and holds only its own page and text."""
    event = EventFactory(title="Workshop Katalysatoren")
    item = ProgrammeItemFactory(event=event, title="Laugung von Schwarzmasse")
    with translation.override("de"):
        first = PdfReader(io.BytesIO(pdf.agenda_pdf_bytes(event, [item], "Anna Adler")))
        fonts = pdf._fonts()
        second = PdfReader(io.BytesIO(pdf.agenda_pdf_bytes(event, [], "Ben Baker")))

    assert pdf._fonts() is fonts
    for reader, own, other in ((first, "Anna Adler", "Ben"), (second, "Ben Baker", "Anna")):
        assert len(reader.pages) == 1
        assert_a4(reader)
        assert_tagged(reader, "de")
        text = text_of(reader)
        assert own in text and other not in text
        assert embedded_fonts(reader) and all("DejaVu" in name for name in embedded_fonts(reader))
    assert "Laugung von Schwarzmasse" in text_of(first)
    assert "Laugung" not in text_of(second)


def test_each_thread_has_its_own_font_configuration(db):
    """Pango's font map is not shared between threads (a threaded web server's PDFs)."""
    fonts = pdf._fonts()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(pdf._fonts()))
    thread.start()
    thread.join()

    assert seen[0][0] is not fonts[0]
    assert pdf._fonts() is fonts

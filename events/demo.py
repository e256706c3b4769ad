"""Fictional demo events of the Harz recycling cluster (PRODUCT.md 7): the two-day forum with
rooms, 40 programme items and 15 stands, three workshops (one past, one full with a waiting
list), a company visit, a draft symposium and about 60 registrations in every state.

Idempotent: events are keyed on their slug, rows below them on natural keys (title, room
name, organisation, email), so a second run changes nothing. Registrations are written
directly, without notifications: the demo must not send mail.
"""

from __future__ import annotations

import random
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from members.demo import DEMO_DOMAIN, PERSONAS
from members.models import Membership, Organisation, User

from .demo_meetings import seed as seed_meetings
from .models import Event, ProgrammeItem, Registration, Room, SessionSignup, Speaker, Stand

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
FORUM_SLUG = "innovationsforum-2027"
FORUM_DAY_1 = date(2027, 9, 15)
FORUM_DAY_2 = date(2027, 9, 16)


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


EVENTS = [
    {
        "slug": FORUM_SLUG,
        "kind": Event.Kind.FORUM,
        "title": "5. Innovationsforum Recyclingregion Harz",
        "summary": (
            "Zwei Tage mit Vorträgen, Podien, Werkstätten und 15 Informationsständen: "
            "Unternehmen, Hochschulen und Kommunen der Recyclingregion Harz stellen "
            "Forschungsbedarfe vor und finden Kooperationspartner."
        ),
        "description": (
            "Das Innovationsforum gibt kleinen und mittleren Unternehmen die Gelegenheit, "
            "Forschungsbedarfe zu formulieren und Forschungseinrichtungen vorzustellen. "
            "Unternehmen tauschen sich aus und bilden neue Kooperationen, die ihre "
            "Innovationskraft stärken.\n\n"
            "Am ersten Tag stehen Metallrecycling, Batterien und Elektronikschrott im "
            "Mittelpunkt, am zweiten Tag kritische Rohstoffe, Fachkräfte und der Weg vom "
            "Forschungsbedarf zur Kooperation. In der Ausstellung im Foyer präsentieren sich "
            "Mitglieder des Clusters an Informationsständen. Die Werkstatt am ersten Tag und "
            "die Exkursion am zweiten Tag haben eine eigene, begrenzte Teilnehmerzahl.\n\n"
            "Die Teilnahme ist kostenlos. Für Verpflegung ist gesorgt."
        ),
        "venue_name": "Tagungshaus am Rammelsberg, Goslar",
        "venue_address": "Bergtal 19\n38640 Goslar",
        "starts_at": _at(FORUM_DAY_1, "08:30"),
        "ends_at": _at(FORUM_DAY_2, "16:30"),
        "capacity": 250,
        "host": "recyclingnetzwerk-harz",
        "registration_closes_at": _at(date(2027, 9, 8), "23:59"),
    },
    {
        "slug": "workshop-hydrometallurgie-2026",
        "kind": Event.Kind.WORKSHOP,
        "title": "Workshop: Hydrometallurgie in der Praxis",
        "summary": "Laugung, Solventextraktion und Fällung: Verfahren für kleine Stoffströme, "
        "mit Laborführung.",
        "description": "Forschende der TU Oberharz zeigen, wie hydrometallurgische Verfahren "
        "auf die wechselnden Stoffströme kleiner Recyclingbetriebe angepasst werden können.",
        "venue_name": "TU Oberharz, Institut für Aufbereitung",
        "venue_address": "Adolph-Roemer-Straße 2a\n38678 Clausthal-Zellerfeld",
        "starts_at": _at(date(2026, 3, 12), "10:00"),
        "ends_at": _at(date(2026, 3, 12), "16:00"),
        "capacity": 30,
        "host": "tu-oberharz",
    },
    {
        "slug": "workshop-batterierecycling-2027",
        "kind": Event.Kind.WORKSHOP,
        "title": "Workshop: Batterierecycling von der Sammlung bis zur Schwarzmasse",
        "summary": "Sichere Sammlung, Demontage und mechanische Aufbereitung von "
        "Lithium-Ionen-Batterien; mit Anlagenbesichtigung.",
        "description": "Ein Tag für Praktikerinnen und Praktiker: Brandschutz bei der "
        "Sammlung, Entladung und Demontage, Schwarzmasse als Zwischenprodukt und die Frage, "
        "wer im Harz welche Schritte übernehmen kann.",
        "venue_name": "Bodetal Batterierecycling GmbH",
        "venue_address": "Gewerbering 7\n38889 Blankenburg (Harz)",
        "starts_at": _at(date(2027, 2, 10), "09:30"),
        "ends_at": _at(date(2027, 2, 10), "15:30"),
        "capacity": 12,
        "host": "bodetal-batterierecycling",
    },
    {
        "slug": "workshop-sortierung-2027",
        "kind": Event.Kind.WORKSHOP,
        "title": "Workshop: Sensorgestützte Sortierung",
        "summary": "Röntgenfluoreszenz, Hyperspektralkameras und KI: was Sortiertechnik heute "
        "für Schrott und Elektroaltgeräte leisten kann.",
        "description": "Vorführungen an der Versuchsanlage, Kurzvorträge und Zeit für eigene "
        "Proben: Bringen Sie gern ein Material mit, das Sie sortieren möchten.",
        "venue_name": "SortSense Harz GmbH, Technikum",
        "venue_address": "Am Schacht 3\n38855 Wernigerode",
        "starts_at": _at(date(2027, 4, 21), "10:00"),
        "ends_at": _at(date(2027, 4, 21), "16:00"),
        "capacity": 25,
        "host": "sortsense-harz",
    },
    {
        "slug": "exkursion-metallrueckgewinnung-2027",
        "kind": Event.Kind.EXCURSION,
        "title": "Firmenbesuch: Harzer Metallrückgewinnung",
        "summary": "Rundgang durch Schrottplatz, Sortierung und Schmelzbetrieb eines "
        "familiengeführten NE-Metallrecyclers.",
        "description": "Festes Schuhwerk erforderlich. Treffpunkt ist das Verwaltungsgebäude; "
        "die Führung dauert etwa drei Stunden, anschließend Imbiss und Gespräch.",
        "venue_name": "Harzer Metallrückgewinnung GmbH",
        "venue_address": "Industriestraße 12\n38667 Bad Harzburg",
        "starts_at": _at(date(2027, 5, 19), "13:00"),
        "ends_at": _at(date(2027, 5, 19), "17:00"),
        "capacity": 20,
        "host": "harzer-metallrueckgewinnung",
    },
    {
        "slug": "rewimet-symposium-2028",
        "kind": Event.Kind.SYMPOSIUM,
        "title": "REWIMET-Symposium 2028",
        "summary": "Wissenschaftliches Symposium des Clusters (in Planung).",
        "description": "Programm folgt.",
        "venue_name": "TU Oberharz, Aula",
        "venue_address": "Aulastraße 8\n38678 Clausthal-Zellerfeld",
        "starts_at": _at(date(2028, 3, 8), "09:00"),
        "ends_at": _at(date(2028, 3, 9), "16:00"),
        "capacity": 200,
        "host": "recyclingnetzwerk-harz",
        "status": Event.Status.DRAFT,
    },
]

ROOMS = [
    ("Großer Saal", 250),
    ("Seminarraum Erz", 40),
    ("Seminarraum Schlacke", 24),
    ("Foyer", None),
]

# key: (name, organisation slug or "", organisation name if external, bio, user email or "")
SPEAKERS = {
    "engel": (
        "Miriam Engel",
        "recyclingnetzwerk-harz",
        "",
        "Clustermanagerin.",
        PERSONAS["organiser"],
    ),
    "albrecht": (
        "Prof. Dr. Sabine Albrecht",
        "tu-oberharz",
        "",
        "Professorin für Metallurgie, forscht zur Schlackenmetallurgie.",
        "",
    ),
    "reinhardt": (
        "Jonas Reinhardt",
        "tu-oberharz",
        "",
        "Wissenschaftlicher Mitarbeiter; Hydrometallurgie und Indiumrückgewinnung.",
        PERSONAS["researcher"],
    ),
    "berger": (
        "Katrin Berger",
        "harzer-metallrueckgewinnung",
        "",
        "Geschäftsführerin eines NE-Metallrecyclers.",
        PERSONAS["sme"],
    ),
    "kowalski": (
        "Tomasz Kowalski",
        "harzer-metallrueckgewinnung",
        "",
        "Leiter Qualitätssicherung.",
        "",
    ),
    "schulze": (
        "Petra Schulze",
        "innerste-buntmetall",
        "",
        "Geschäftsführerin; Kabelzerlegung und Granulierung.",
        "",
    ),
    "bodetal": (
        "Dr. Ayşe Yilmaz",
        "bodetal-batterierecycling",
        "",
        "Leiterin Verfahrensentwicklung Batterierecycling.",
        "",
    ),
    "sortsense": (
        "Daniel Fischer",
        "sortsense-harz",
        "",
        "Entwickler sensorgestützter Sortiersysteme.",
        "",
    ),
    "sortsense2": (
        "Carla Lange",
        "sortsense-harz",
        "",
        "Data Scientist, Bildverarbeitung in Sortieranlagen.",
        "",
    ),
    "edelmetall": (
        "Dr. Robert Krause",
        "elbe-ostfalen-edelmetall",
        "",
        "Edelmetallscheidung und Katalysatorrecycling.",
        "",
    ),
    "halde": (
        "Jan Neumann",
        "seesener-haldenservice",
        "",
        "Bewertung von Halden und Schlacken.",
        "",
    ),
    "halde2": (
        "Marie Wolf",
        "seesener-haldenservice",
        "",
        "Geologin, Probenahme auf Altstandorten.",
        "",
    ),
    "hoffmann": (
        "Frank Hoffmann",
        "kreisabfallwirtschaft-westharz",
        "",
        "Betriebsleiter Wertstoffhöfe.",
        PERSONAS["municipality"],
    ),
    "vorharz": (
        "Birgit Richter",
        "zweckverband-abfall-vorharz",
        "",
        "Leiterin Abfallberatung.",
        "",
    ),
    "nordharz": (
        "Prof. Dr. Felix Baumann",
        "hochschule-nordharz",
        "",
        "Lehrgebiet Kreislaufgerechte Produktentwicklung.",
        "",
    ),
    "institut": (
        "Dr. Helena Schmitt",
        "harz-institut-rohstoffkreislaeufe",
        "",
        "Digitale Materialpässe und kritische Rohstoffe.",
        "",
    ),
    "foerder": (
        "Oliver Meier",
        "",
        "Förderberatung Niedersachsen (fiktiv)",
        "Berät KMU zu Förderprogrammen für Forschungskooperationen.",
        "",
    ),
    "rohstoff": (
        "Dr. Sophie Koch",
        "",
        "Rohstoffforum Mitteldeutschland (fiktiv)",
        "Analysiert Lieferketten kritischer Rohstoffe.",
        "",
    ),
}

S, E, SCH, F = "Großer Saal", "Seminarraum Erz", "Seminarraum Schlacke", "Foyer"
D1, D2 = FORUM_DAY_1, FORUM_DAY_2
K = ProgrammeItem.Kind
# (day, start, end, kind, title, room, speakers, capacity, abstract)
PROGRAMME = [
    (D1, "08:30", "09:30", K.NETWORKING, "Anmeldung und Begrüßungskaffee", None, (), None, ""),
    (
        D1,
        "09:00",
        "17:00",
        K.EXHIBITION,
        "Ausstellung: Informationsstände der Mitglieder",
        F,
        (),
        None,
        "Fünfzehn Unternehmen, Hochschulen und Kommunen stellen sich vor.",
    ),
    (
        D1,
        "09:30",
        "09:45",
        K.TALK,
        "Begrüßung und Ziele des Innovationsforums",
        S,
        ("engel",),
        None,
        "",
    ),
    (
        D1,
        "09:45",
        "10:30",
        K.KEYNOTE,
        "Vom Bergbau zur Kreislaufwirtschaft: Rohstoffe aus dem Harz",
        S,
        ("albrecht",),
        None,
        "Wie das Wissen aus Jahrhunderten Bergbau und Hüttenwesen heute in das Recycling strategischer Metalle fließt.",
    ),
    (D1, "10:30", "11:00", K.BREAK, "Kaffeepause", None, (), None, ""),
    (
        D1,
        "11:00",
        "11:30",
        K.TALK,
        "Indiumrückgewinnung aus Rückständen der Zinkverhüttung",
        S,
        ("reinhardt",),
        None,
        "Laugungsversuche im Labormaßstab und was für eine Pilotanlage fehlt.",
    ),
    (
        D1,
        "11:00",
        "11:30",
        K.TALK,
        "Sensorgestützte Sortierung von Elektronikschrott",
        E,
        ("sortsense",),
        None,
        "Röntgenfluoreszenz und Kameras trennen Leiterplatten nach Wertstoffgehalt.",
    ),
    (
        D1,
        "11:00",
        "12:30",
        K.WORKSHOP_SESSION,
        "Werkstatt: Forschungsbedarfe formulieren",
        SCH,
        ("engel",),
        20,
        "In kleinen Gruppen formulieren Unternehmen ihre Fragen so, dass Forschende darauf antworten können.",
    ),
    (
        D1,
        "11:30",
        "12:00",
        K.TALK,
        "Schwarzmasse aus Lithium-Ionen-Batterien",
        S,
        ("bodetal",),
        None,
        "Mechanische Aufbereitung, Brandschutz und die Qualität der Schwarzmasse.",
    ),
    (
        D1,
        "11:30",
        "12:00",
        K.TALK,
        "Edelmetalle aus Altkatalysatoren",
        E,
        ("edelmetall",),
        None,
        "Platin, Palladium und Rhodium: Probenahme, Analytik, Scheidung.",
    ),
    (
        D1,
        "12:00",
        "12:30",
        K.TALK,
        "Schlacken als Rohstoffquelle",
        S,
        ("halde",),
        None,
        "Welche Metalle in historischen Schlacken stecken und wie man sie bewertet.",
    ),
    (
        D1,
        "12:00",
        "12:30",
        K.TALK,
        "Sammellogistik für Elektroaltgeräte im ländlichen Raum",
        E,
        ("hoffmann",),
        None,
        "Erfahrungen der Wertstoffhöfe im Westharz.",
    ),
    (D1, "12:30", "13:30", K.BREAK, "Mittagspause", None, (), None, ""),
    (
        D1,
        "13:30",
        "14:30",
        K.PANEL,
        "Podium: Fachkräfte für die Recyclingwirtschaft",
        S,
        ("schulze", "nordharz", "vorharz"),
        None,
        "Ausbildung, Studium und Quereinstieg: Wie kleine Betriebe Fachkräfte finden und halten.",
    ),
    (
        D1,
        "14:30",
        "15:00",
        K.TALK,
        "Förderprogramme für Forschungskooperationen von KMU",
        S,
        ("foerder",),
        None,
        "Ein Überblick über Programme für gemeinsame Projekte mit Hochschulen.",
    ),
    (
        D1,
        "14:30",
        "15:00",
        K.TALK,
        "Digitale Materialpässe für Sekundärrohstoffe",
        E,
        ("institut",),
        None,
        "Daten über Herkunft und Zusammensetzung entlang der Lieferkette.",
    ),
    (D1, "15:00", "15:30", K.BREAK, "Kaffeepause im Foyer", None, (), None, ""),
    (
        D1,
        "15:30",
        "16:00",
        K.TALK,
        "Kabelzerlegung und Granulierung: Kupfer sortenrein zurückgewinnen",
        S,
        ("schulze",),
        None,
        "",
    ),
    (
        D1,
        "15:30",
        "16:00",
        K.TALK,
        "Haldenmaterial neu bewerten",
        E,
        ("halde2",),
        None,
        "Probenahme und Analytik auf Altstandorten des Bergbaus.",
    ),
    (
        D1,
        "16:00",
        "17:00",
        K.NETWORKING,
        "Matchmaking: Forschung trifft Praxis",
        S,
        ("engel",),
        None,
        "Kurze Gespräche an Thementischen, vorbereitet von der Clustermanagerin.",
    ),
    (D1, "18:30", "22:00", K.NETWORKING, "Abendempfang", None, (), None, "Mit Imbiss und Musik."),
    (D2, "08:30", "09:00", K.NETWORKING, "Morgenkaffee", None, (), None, ""),
    (
        D2,
        "09:00",
        "16:00",
        K.EXHIBITION,
        "Ausstellung: Informationsstände (zweiter Tag)",
        F,
        (),
        None,
        "",
    ),
    (
        D2,
        "09:00",
        "09:45",
        K.KEYNOTE,
        "Kritische Rohstoffe: Europas Abhängigkeiten und regionale Antworten",
        S,
        ("rohstoff",),
        None,
        "Gallium, Germanium, Seltene Erden: Wo Recycling die Versorgung sichern kann.",
    ),
    (
        D2,
        "09:45",
        "10:15",
        K.TALK,
        "Hydrometallurgische Laugung von Filterstäuben",
        S,
        ("reinhardt",),
        None,
        "",
    ),
    (
        D2,
        "09:45",
        "10:15",
        K.TALK,
        "Künstliche Intelligenz in der Sortieranlage",
        E,
        ("sortsense2",),
        None,
        "",
    ),
    (
        D2,
        "09:45",
        "11:15",
        K.WORKSHOP_SESSION,
        "Workshop: Batteriedemontage sicher gestalten",
        SCH,
        ("bodetal",),
        15,
        "Praktische Übung an entladenen Modulen, Schutzausrüstung wird gestellt.",
    ),
    (D2, "10:15", "10:45", K.BREAK, "Kaffeepause", None, (), None, ""),
    (D2, "10:45", "11:15", K.TALK, "Kreislaufgerechtes Produktdesign", S, ("nordharz",), None, ""),
    (
        D2,
        "10:45",
        "11:15",
        K.TALK,
        "Gallium und Germanium aus Reststoffen",
        E,
        ("institut",),
        None,
        "",
    ),
    (
        D2,
        "11:15",
        "12:15",
        K.PANEL,
        "Podium: Vom Forschungsbedarf zur Kooperation",
        S,
        ("berger", "reinhardt", "engel"),
        None,
        "Ein Unternehmen, ein Forscher und die Clustermanagerin berichten, wie aus einer Frage ein Projekt wurde.",
    ),
    (D2, "12:15", "13:15", K.BREAK, "Mittagspause", None, (), None, ""),
    (
        D2,
        "13:00",
        "16:00",
        K.EXCURSION,
        "Exkursion: Besuch der Bodetal Batterierecycling",
        None,
        (),
        25,
        "Busfahrt nach Blankenburg und Führung durch die Anlage. Begrenzte Plätze.",
    ),
    (
        D2,
        "13:15",
        "13:45",
        K.TALK,
        "Energieeffizienz im Schmelzbetrieb",
        S,
        ("kowalski",),
        None,
        "",
    ),
    (D2, "13:15", "13:45", K.TALK, "Wertstoffhöfe als Rohstoffquelle", E, ("vorharz",), None, ""),
    (D2, "13:45", "14:15", K.TALK, "Recycling von Permanentmagneten", S, ("albrecht",), None, ""),
    (
        D2,
        "13:45",
        "14:15",
        K.TALK,
        "Qualitätssicherung bei schwankenden Inputströmen",
        E,
        ("kowalski",),
        None,
        "",
    ),
    (D2, "14:15", "14:45", K.BREAK, "Kaffeepause", None, (), None, ""),
    (
        D2,
        "14:45",
        "15:30",
        K.TALK,
        "Ergebnisse der Werkstatt und Ausblick",
        S,
        ("engel",),
        None,
        "",
    ),
    (D2, "15:30", "16:00", K.TALK, "Verabschiedung", S, ("engel", "berger"), None, ""),
]

EXHIBITORS = [  # organisation slug, kind, status, number, area, needs power, description
    (
        "harzer-metallrueckgewinnung",
        "booth",
        "confirmed",
        "A1",
        "Foyer Nord",
        True,
        "NE-Metallrecycling und Edelmetallrückgewinnung aus Krätzen.",
    ),
    (
        "innerste-buntmetall",
        "table",
        "confirmed",
        "A2",
        "Foyer Nord",
        False,
        "Kabelzerlegung und Kupfergranulat.",
    ),
    (
        "bodetal-batterierecycling",
        "booth",
        "confirmed",
        "A3",
        "Foyer Nord",
        True,
        "Demontage und Aufbereitung von Lithium-Ionen-Batterien.",
    ),
    (
        "suedharzer-elektronikverwertung",
        "table",
        "confirmed",
        "A4",
        "Foyer Nord",
        True,
        "Erstbehandlung von Elektroaltgeräten.",
    ),
    (
        "sortsense-harz",
        "booth",
        "confirmed",
        "A5",
        "Foyer Nord",
        True,
        "Live-Vorführung einer Sortierkamera.",
    ),
    (
        "elbe-ostfalen-edelmetall",
        "table",
        "confirmed",
        "A6",
        "Foyer Nord",
        False,
        "Edelmetallscheidung und Katalysatorrecycling.",
    ),
    (
        "seesener-haldenservice",
        "poster",
        "confirmed",
        "B1",
        "Foyer Süd",
        False,
        "Bewertung von Halden und Schlacken.",
    ),
    (
        "tu-oberharz",
        "booth",
        "confirmed",
        "B2",
        "Foyer Süd",
        True,
        "Forschung zu Aufbereitung und Metallurgie; Abschlussarbeiten.",
    ),
    (
        "hochschule-nordharz",
        "table",
        "confirmed",
        "B3",
        "Foyer Süd",
        False,
        "Studiengänge und Kooperationsprojekte.",
    ),
    (
        "harz-institut-rohstoffkreislaeufe",
        "poster",
        "confirmed",
        "B4",
        "Foyer Süd",
        False,
        "Digitale Materialpässe.",
    ),
    (
        "kreisabfallwirtschaft-westharz",
        "table",
        "confirmed",
        "B5",
        "Foyer Süd",
        False,
        "Sammlung und Wertstoffhöfe.",
    ),
    (
        "recyclingnetzwerk-harz",
        "booth",
        "confirmed",
        "B6",
        "Foyer Süd",
        True,
        "Der Cluster stellt sich vor.",
    ),
    (
        "zweckverband-abfall-vorharz",
        "table",
        "applied",
        "",
        "",
        False,
        "Abfallberatung und Sammelsysteme.",
    ),
    # Two earlier applications for a booth were declined (no space left); both
    # organisations applied again for a table.
    (
        "zweckverband-abfall-vorharz",
        "booth",
        "declined",
        "",
        "",
        True,
        "Großer Stand mit Sammelfahrzeug.",
    ),
    (
        "suedharzer-elektronikverwertung",
        "booth",
        "declined",
        "",
        "",
        True,
        "Demontagelinie zum Anfassen.",
    ),
]

GUEST_NAMES = [
    ("Anna", "Seidel"),
    ("Lena", "Hartmann"),
    ("Paul", "Krüger"),
    ("Jana", "Böhm"),
    ("Timo", "Schröder"),
    ("Svenja", "Graf"),
    ("Moritz", "Jäger"),
    ("Elif", "Demir"),
    ("Hannes", "Lorenz"),
    ("Greta", "Brandt"),
    ("Nils", "Otto"),
    ("Clara", "Sommer"),
    ("Ole", "Winkler"),
    ("Mila", "Franke"),
    ("Jakob", "Haas"),
    ("Ida", "Vogt"),
    ("Emil", "Kühn"),
    ("Lotte", "Ziegler"),
    ("Finn", "Pohl"),
    ("Marta", "Nowak"),
]
GUEST_ORGS = [
    "Stadtwerke Wernigerode (fiktiv)",
    "Ingenieurbüro Ostharz (fiktiv)",
    "Student, TU Oberharz",
    "Landkreis Harz, Wirtschaftsförderung (fiktiv)",
    "",
    "Umweltberatung Sachsen-Anhalt (fiktiv)",
]

# (event slug, [(status, count)]) for guest registrations; members are added below.
REGISTRATION_PLAN = {
    FORUM_SLUG: [("confirmed", 12), ("pending", 2), ("waitlisted", 0), ("cancelled", 2)],
    "workshop-hydrometallurgie-2026": [("confirmed", 6), ("cancelled", 1)],
    "workshop-batterierecycling-2027": [("confirmed", 8), ("waitlisted", 5), ("cancelled", 1)],
    "workshop-sortierung-2027": [("confirmed", 4), ("pending", 1)],
    "exkursion-metallrueckgewinnung-2027": [("confirmed", 4), ("waitlisted", 0)],
}

MEMBER_REGISTRATIONS = {
    FORUM_SLUG: [
        PERSONAS["attendee"],
        PERSONAS["sme"],
        PERSONAS["researcher"],
        PERSONAS["municipality"],
        f"t.kowalski@{DEMO_DOMAIN}",
        f"s.albrecht@{DEMO_DOMAIN}",
        f"p.schulze@{DEMO_DOMAIN}",
        f"a.yilmaz@{DEMO_DOMAIN}",
        f"j.neumann@{DEMO_DOMAIN}",
        f"r.krause@{DEMO_DOMAIN}",
    ],
    "workshop-hydrometallurgie-2026": [PERSONAS["sme"], PERSONAS["researcher"]],
    "workshop-batterierecycling-2027": [
        PERSONAS["sme"],
        PERSONAS["municipality"],
        f"p.schulze@{DEMO_DOMAIN}",
        f"d.fischer@{DEMO_DOMAIN}",
    ],
    "workshop-sortierung-2027": [PERSONAS["attendee"], f"c.lange@{DEMO_DOMAIN}"],
    "exkursion-metallrueckgewinnung-2027": [PERSONAS["researcher"], f"m.wolf@{DEMO_DOMAIN}"],
}


def _seed_event(data: dict, organisations: dict[str, Organisation]) -> Event:
    data = dict(data)
    host = organisations.get(data.pop("host"))
    slug = data.pop("slug")
    defaults = {"status": Event.Status.PUBLISHED, "language": "de", "waiting_list": True, **data}
    event, _ = Event.objects.update_or_create(slug=slug, defaults={**defaults, "host": host})
    return event


def _seed_forum_programme(event: Event, organisations, users) -> None:
    rooms = {}
    for name, capacity in ROOMS:
        rooms[name], _ = Room.objects.update_or_create(
            event=event, name=name, defaults={"capacity": capacity}
        )
    speakers = {}
    for key, (name, org_slug, org_name, bio, email) in SPEAKERS.items():
        speakers[key], _ = Speaker.objects.update_or_create(
            event=event,
            name=name,
            defaults={
                "organisation": organisations.get(org_slug),
                "organisation_name": org_name,
                "bio": bio,
                "user": users.get(email),
            },
        )
    for day, start, end, kind, title, room, who, capacity, abstract in PROGRAMME:
        item, _ = ProgrammeItem.objects.update_or_create(
            event=event,
            title=title,
            starts_at=_at(day, start),
            defaults={
                "kind": kind,
                "ends_at": _at(day, end),
                "room": rooms.get(room),
                "capacity": capacity,
                "abstract": abstract,
                "track": "",
            },
        )
        item.speakers.set([speakers[key] for key in who])


def _seed_stands(event: Event, organisations, users_by_org) -> None:
    decided = _at(date(2027, 6, 1), "10:00")
    for slug, kind, status, number, area, power, description in EXHIBITORS:
        organisation = organisations[slug]
        stands = Stand.objects.filter(event=event, organisation=organisation)
        if status == Stand.Status.DECLINED:
            stand = stands.filter(status=status, kind=kind).first()
        else:
            stand = stands.exclude(status=Stand.Status.DECLINED).first()
        stand = stand or Stand(event=event, organisation=organisation)
        stand.kind = kind
        stand.status = status
        stand.number = number
        stand.area = area
        stand.needs_power = power
        stand.description = description
        stand.applied_by = users_by_org.get(slug)
        stand.decided_at = None if status == Stand.Status.APPLIED else decided
        stand.save()


def _stamps(event: Event, index: int, status: str) -> dict:
    base = min(event.starts_at - timedelta(days=30), timezone.now()) - timedelta(days=10)
    created = base + timedelta(hours=index * 5)
    stamps = {"confirmed_at": None, "waitlisted_at": None, "cancelled_at": None}
    if status in ("confirmed", "cancelled"):
        stamps["confirmed_at"] = created + timedelta(minutes=3)
    if status == "waitlisted":
        stamps["waitlisted_at"] = created + timedelta(minutes=3)
    if status == "cancelled":
        stamps["cancelled_at"] = created + timedelta(days=2)
    return stamps


def _registration(
    event,
    *,
    email,
    name,
    status,
    index,
    user=None,
    organisation=None,
    organisation_name="",
    language="de",
    consent=False,
) -> tuple[Registration, bool]:
    stamps = _stamps(event, index, status)
    checked_in = None
    if event.is_past and status == "confirmed" and index % 3 != 2:
        checked_in = event.starts_at + timedelta(minutes=5 + index)
    days = []
    if event.is_multi_day and index % 4 == 3:
        days = [event.days()[index % 2]]
    return Registration.objects.get_or_create(
        event=event,
        email=email.lower(),
        defaults={
            "user": user,
            "name": name,
            "organisation": organisation,
            "organisation_name": organisation_name,
            "status": status,
            "days": days,
            "dietary_needs": "vegetarisch" if index % 5 == 1 else "",
            "accessibility_needs": "stufenloser Zugang" if index % 17 == 4 else "",
            "list_consent": consent or index % 3 == 0,
            "list_consent_at": timezone.now() if (consent or index % 3 == 0) else None,
            "language": language,
            "checked_in_at": checked_in,
            **stamps,
        },
    )


def _seed_registrations(event: Event, users, scale: int) -> int:
    created = 0
    index = 0
    for email in MEMBER_REGISTRATIONS.get(event.slug, []):
        user = users.get(email)
        if user is None:
            continue
        membership = getattr(user, "demo_membership", None)
        index += 1
        _reg, new = _registration(
            event,
            email=email,
            name=user.get_full_name() or email,
            status="confirmed",
            index=index,
            user=user,
            organisation=membership.organisation if membership else None,
            language=getattr(getattr(user, "profile", None), "preferred_language", "de"),
            consent=email != PERSONAS["attendee"],
        )
        created += new
    for status, count in REGISTRATION_PLAN.get(event.slug, []):
        for n in range(count * scale):
            index += 1
            first, last = GUEST_NAMES[(index + n) % len(GUEST_NAMES)]
            suffix = "" if n < count else f"-{n // count}"
            email = f"gast.{event.slug}.{status}.{n % count}{suffix}@{DEMO_DOMAIN}"
            rng = random.Random(f"{event.slug}-{status}-{n}")  # noqa: S311 - demo data
            actual = status
            if (
                status == "confirmed"
                and event.capacity is not None
                and not Registration.objects.filter(event=event, email=email).exists()
                and event.registrations.filter(status="confirmed").count() >= event.capacity
            ):
                actual = "waitlisted"  # --scale never overbooks an event
            _reg, new = _registration(
                event,
                email=email,
                name=f"{first} {last}",
                status=actual,
                index=index,
                organisation_name=rng.choice(GUEST_ORGS),
                language="en" if index % 7 == 0 else "de",
            )
            created += new
    return created


def _seed_signups(event: Event) -> None:
    """The forum's workshop session and excursion: the session fills up, so the last
    confirmed attendees wait for it."""
    sessions = list(event.items.filter(capacity__isnull=False).order_by("starts_at"))
    confirmed = list(event.registrations.filter(status="confirmed").order_by("pk"))
    for position, registration in enumerate(confirmed):
        for item in sessions:
            if position % 2 and item.kind == ProgrammeItem.Kind.EXCURSION:
                continue
            taken = item.signups.filter(status="confirmed").count()
            exists = SessionSignup.objects.filter(registration=registration, item=item).exists()
            if exists:
                continue
            if item.kind == ProgrammeItem.Kind.WORKSHOP_SESSION and position >= 6:
                continue
            full = taken >= item.capacity
            SessionSignup.objects.create(
                registration=registration,
                item=item,
                status="waitlisted" if full else "confirmed",
                waitlisted_at=timezone.now() if full else None,
            )


def seed(*, scale: int, stdout) -> None:
    organisations = {org.slug: org for org in Organisation.objects.all()}
    memberships = {m.user_id: m for m in Membership.objects.select_related("organisation", "user")}
    users = {}
    for user in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").select_related("profile"):
        user.demo_membership = memberships.get(user.pk)
        users[user.email] = user
    users_by_org = {}
    for membership in memberships.values():
        if membership.is_admin:
            users_by_org.setdefault(membership.organisation.slug, membership.user)

    events = [_seed_event(data, organisations) for data in EVENTS]
    forum = events[0]
    _seed_forum_programme(forum, organisations, users)
    _seed_stands(forum, organisations, users_by_org)
    registrations = 0
    for event in events:
        registrations += _seed_registrations(event, users, scale)
    seed_meetings(forum, stdout=stdout)  # B2B meetings (issue 14)
    _seed_signups(forum)
    stdout.write(
        f"events: {len(events)} events, {forum.items.count()} programme items, "
        f"{forum.stands.count()} stands, {Registration.objects.count()} registrations "
        f"({registrations} new)"
    )

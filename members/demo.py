"""Fictional demo organisations and people of the Harz recycling cluster (PRODUCT.md 7).

Every organisation and person here is invented; names only sound like the region. Every
organisation has a competence profile (issue 13), so the demo needs get recommendations;
``seed_demo`` computes their embeddings after seeding.
``seed`` is idempotent: rows are keyed on slugs and email addresses, and passwords are
set only for users who have none yet, so a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from forum.organisers import ORGANISERS_GROUP

from .models import (
    CompetenceProfile,
    Consent,
    CooperationType,
    Invitation,
    Membership,
    Organisation,
    Profile,
    Topic,
    User,
)

DEMO_PASSWORD = "harz-demo-2026"  # development only; seed_demo refuses to run without DEBUG
DEMO_DOMAIN = "demo.forum-harz.de"

Kind = Organisation.Kind
Co = CooperationType
State = Organisation.FederalState
Size = Organisation.SizeBand
ADMIN = Membership.Role.ADMIN
MEMBER = Membership.Role.MEMBER


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    city: str
    state: str
    size: str
    topics: tuple[str, ...]
    description: str
    website: str = ""


@dataclass(frozen=True)
class DemoProfile:
    """A competence profile (issue 13): what the partner recommendations read."""

    competences: str
    keywords: tuple[str, ...]
    cooperation: tuple[str, ...]
    trl: tuple[int, int]
    languages: tuple[str, ...] = ("de",)
    recommend: bool = True


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    organisation: str | None  # slug
    role: str = MEMBER
    position: str = ""
    phone: str = ""
    keywords: str = ""
    topics: tuple[str, ...] = ()
    language: str = "de"
    is_staff: bool = False
    is_superuser: bool = False
    organiser: bool = False
    consents: dict[str, bool] = field(default_factory=dict)


ORGANISATIONS = [
    DemoOrganisation(
        "harzer-metallrueckgewinnung",
        "Harzer Metallrückgewinnung GmbH",
        Kind.COMPANY,
        "Bad Harzburg",
        State.NI,
        Size.MEDIUM,
        ("metal-recycling", "pyrometallurgy", "slags-residues"),
        "Familiengeführter Metallrecycler mit 85 Beschäftigten. Wir sammeln, sortieren und "
        "schmelzen NE-Metallschrotte (Kupfer, Messing, Zink, Blei) und gewinnen Edelmetalle "
        "aus Krätzen und Stäuben zurück. Schwankende Schrottqualitäten sind unsere größte "
        "Herausforderung.",
        "https://harzer-metall.demo.forum-harz.de",
    ),
    DemoOrganisation(
        "innerste-buntmetall",
        "Innerste Buntmetall-Recycling GmbH & Co. KG",
        Kind.COMPANY,
        "Langelsheim",
        State.NI,
        Size.SMALL,
        ("metal-recycling", "mechanical-processing", "critical-raw-materials"),
        "Kabelzerlegung und Aufbereitung von Mischschrotten. Mit Granulier- und "
        "Dichtetrennanlagen erzeugen wir sortenreine Kupfer- und Aluminiumgranulate für "
        "Hütten in Niedersachsen und Sachsen-Anhalt.",
    ),
    DemoOrganisation(
        "bodetal-batterierecycling",
        "Bodetal Batterierecycling GmbH",
        Kind.COMPANY,
        "Quedlinburg",
        State.ST,
        Size.SMALL,
        ("battery-recycling", "hydrometallurgy", "critical-raw-materials"),
        "Junges Unternehmen für die Entladung, Demontage und mechanische Aufbereitung von "
        "Lithium-Ionen-Batterien aus E-Bikes und Elektrowerkzeugen. Ziel ist die "
        "Rückgewinnung von Kobalt, Nickel und Lithium aus der Schwarzmasse.",
    ),
    DemoOrganisation(
        "suedharzer-elektronikverwertung",
        "Südharzer Elektronikverwertung GmbH",
        Kind.COMPANY,
        "Nordhausen",
        State.TH,
        Size.MEDIUM,
        ("weee", "mechanical-processing", "logistics"),
        "Zertifizierter Erstbehandler für Elektro- und Elektronikaltgeräte. Wir zerlegen "
        "Kleingeräte, IT-Technik und Bildschirme, entfrachten Schadstoffe und vermarkten "
        "Leiterplatten und Metallfraktionen.",
    ),
    DemoOrganisation(
        "sortsense-harz",
        "SortSense Harz GmbH",
        Kind.COMPANY,
        "Braunschweig",
        State.NI,
        Size.SMALL,
        ("sensor-sorting", "digitalisation", "mechanical-processing"),
        "Software für sensorgestützte Sortieranlagen: Bilderkennung, Röntgentransmission und "
        "LIBS-Daten werden in Echtzeit ausgewertet. Wir suchen Recycler, die neue "
        "Sortieraufgaben mit uns erproben.",
    ),
    DemoOrganisation(
        "elbe-ostfalen-edelmetall",
        "Elbe-Ostfalen Edelmetallscheidung GmbH",
        Kind.COMPANY,
        "Magdeburg",
        State.ST,
        Size.MEDIUM,
        ("catalysts", "metal-recycling", "hydrometallurgy"),
        "Scheideanstalt für Edelmetalle aus Autokatalysatoren, Industriekatalysatoren und "
        "Dentallegierungen. Eigenes Labor für Probenahme und Analytik.",
    ),
    DemoOrganisation(
        "seesener-haldenservice",
        "Seesener Schlacken- und Haldenservice GmbH",
        Kind.COMPANY,
        "Seesen",
        State.NI,
        Size.MICRO,
        ("slags-residues", "mine-dumps", "mechanical-processing"),
        "Kleiner Dienstleister für die Untersuchung und Aufbereitung von Schlacken und "
        "historischen Bergbauhalden. Wir prüfen, welche Wertstoffe sich aus Altablagerungen "
        "wirtschaftlich gewinnen lassen.",
    ),
    DemoOrganisation(
        "tu-oberharz",
        "Technische Universität Oberharz",
        Kind.RESEARCH,
        "Clausthal-Zellerfeld",
        State.NI,
        Size.LARGE,
        ("pyrometallurgy", "hydrometallurgy", "mechanical-processing", "critical-raw-materials"),
        "Technische Universität mit Schwerpunkten in Rohstoffgewinnung, Metallurgie und "
        "Werkstoffwissenschaften. Institute für Aufbereitung, Metallurgie und "
        "Kreislaufwirtschaft arbeiten eng mit Unternehmen der Region zusammen.",
        "https://tu-oberharz.demo.forum-harz.de",
    ),
    DemoOrganisation(
        "hochschule-nordharz",
        "Hochschule Nordharz",
        Kind.RESEARCH,
        "Wernigerode",
        State.ST,
        Size.LARGE,
        ("digitalisation", "logistics", "skilled-workers"),
        "Hochschule für angewandte Wissenschaften mit Studiengängen in Wirtschaftsingenieurwesen "
        "und Automatisierung. Studierende bearbeiten Praxisprojekte und Abschlussarbeiten mit "
        "Unternehmen aus dem Harz.",
    ),
    DemoOrganisation(
        "harz-institut-rohstoffkreislaeufe",
        "Harz-Institut für Rohstoffkreisläufe",
        Kind.RESEARCH,
        "Goslar",
        State.NI,
        Size.MEDIUM,
        ("critical-raw-materials", "battery-recycling", "sensor-sorting", "energy"),
        "Anwendungsorientiertes Forschungsinstitut für Recyclingtechnologien. Technikum mit "
        "Pilotanlagen für Zerkleinerung, Sortierung und Laugung; Auftragsforschung und "
        "öffentlich geförderte Verbundprojekte.",
    ),
    DemoOrganisation(
        "kreisabfallwirtschaft-westharz",
        "Kreisabfallwirtschaft Westharz",
        Kind.PUBLIC,
        "Osterode am Harz",
        State.NI,
        Size.MEDIUM,
        ("logistics", "weee", "battery-recycling"),
        "Öffentlich-rechtlicher Entsorgungsträger des Landkreises. Wir betreiben Wertstoffhöfe, "
        "die Sammlung von Elektroaltgeräten und Altbatterien und suchen Wege, mehr "
        "Wertstoffe im Kreislauf zu halten.",
    ),
    DemoOrganisation(
        "zweckverband-abfall-vorharz",
        "Zweckverband Abfallwirtschaft Vorharz",
        Kind.PUBLIC,
        "Halberstadt",
        State.ST,
        Size.SMALL,
        ("logistics", "circular-design", "energy"),
        "Zweckverband mehrerer Gemeinden im nördlichen Harzvorland für Sammlung, Transport und "
        "Verwertung von Siedlungsabfällen.",
    ),
    DemoOrganisation(
        "recyclingnetzwerk-harz",
        "Recyclingnetzwerk Harz e. V.",
        Kind.ASSOCIATION,
        "Goslar",
        State.NI,
        Size.MICRO,
        ("metal-recycling", "skilled-workers", "critical-raw-materials"),
        "Verein und Clustermanagement der Recyclingregion Harz. Wir vernetzen Unternehmen, "
        "Hochschulen, Forschungseinrichtungen und Kommunen und richten das Innovationsforum aus.",
    ),
    DemoOrganisation(
        "analytikzentrum-sekundaerrohstoffe",
        "Mitteldeutsches Analytikzentrum für Sekundärrohstoffe",
        Kind.RESEARCH,
        "Halle (Saale)",
        State.ST,
        Size.SMALL,
        ("slags-residues", "critical-raw-materials", "battery-recycling"),
        "Forschungsnahes, akkreditiertes Labor für die chemische und mineralogische Analyse "
        "von Sekundärrohstoffen, mit einem internationalen Team.",
    ),
    DemoOrganisation(
        "institut-kreislauftechnik-nordhausen",
        "Thüringer Institut für Kreislauftechnik",
        Kind.RESEARCH,
        "Nordhausen",
        State.TH,
        Size.SMALL,
        ("weee", "circular-design", "digitalisation", "skilled-workers"),
        "An-Institut der Hochschule Nordhausen für automatisierte Demontage, recyclinggerechte "
        "Konstruktion und die Weiterbildung von Fachkräften.",
    ),
]

#: Competence profiles by organisation slug (issue 13), so the demo needs have partners to
#: be recommended. German, and English where the team works in English. The cluster
#: management has opted out: it brokers partners, it is not one.
PROFILES = {
    "harzer-metallrueckgewinnung": DemoProfile(
        "Wir schmelzen NE-Metallschrotte in zwei Induktionsöfen und einem Drehtrommelofen "
        "und gewinnen Kupfer, Messing, Zink und Blei als marktfähige Legierungen zurück. Aus "
        "Krätzen, Schlacken und Filterstäuben der eigenen Schmelze trennen wir Metallanteile "
        "ab und geben edelmetallhaltige Fraktionen an Scheideanstalten. Unser Labor prüft "
        "jede Anlieferung mit Röntgenfluoreszenz und Funkenspektrometer. Für Versuche stellen "
        "wir Probenmengen im Tonnenmaßstab und Schmelzzeit im Betrieb bereit und betreuen "
        "Praxisphasen und Abschlussarbeiten.",
        ("NE-Metalle", "Krätze", "Induktionsofen", "Messing", "Röntgenfluoreszenz"),
        (Co.EQUIPMENT, Co.STUDENT_PROJECT, Co.TESTING),
        (5, 9),
        ("de", "pl"),
    ),
    "innerste-buntmetall": DemoProfile(
        "Wir zerlegen Kabel und Mischschrotte: Granulieranlagen, Luftherde und "
        "Wirbelstromscheider trennen Kupfer, Aluminium und Kunststoffe. Wir liefern "
        "sortenreine Granulate mit Reinheiten über 99,9 Prozent an Hütten. Auf unserer "
        "Anlage erproben wir Sortier- und Trennschritte an Kabelschrotten im "
        "Produktionsmaßstab und stellen Proben für Versuche bereit.",
        ("Kabelzerlegung", "Granulierung", "Dichtetrennung", "Kupfergranulat"),
        (Co.TESTING, Co.EQUIPMENT),
        (6, 9),
    ),
    "bodetal-batterierecycling": DemoProfile(
        "Wir entladen, demontieren und zerkleinern Lithium-Ionen-Batterien aus E-Bikes, "
        "Elektrowerkzeugen und Fahrzeugen unter Schutzgas. Aus dem Schredder gewinnen wir "
        "Schwarzmasse und trennen Kupfer- und Aluminiumfolien sowie Gehäuseteile ab. Für "
        "Forschungsprojekte stellen wir Schwarzmasse aus definierten Chargen und Zeit an "
        "unserer Demontagelinie bereit.",
        ("Schwarzmasse", "Tiefentladung", "Batteriedemontage", "Lithium-Ionen-Batterien"),
        (Co.FUNDED_PROJECT, Co.EQUIPMENT, Co.STUDENT_PROJECT),
        (4, 8),
        ("de", "en"),
    ),
    "suedharzer-elektronikverwertung": DemoProfile(
        "Wir behandeln Elektroaltgeräte nach dem ElektroG: manuelle und teilmechanisierte "
        "Zerlegung von Kleingeräten, IT-Technik und Bildschirmen und Schadstoffentfrachtung "
        "(Batterien, Kondensatoren, quecksilberhaltige Bauteile). Leiterplatten trennen wir "
        "nach Qualitäten und vermarkten Metall- und Kunststofffraktionen. Wir bilden "
        "Fachkräfte für Kreislauf- und Abfallwirtschaft aus und bieten Praktika und "
        "Abschlussarbeiten an.",
        ("Erstbehandlung", "Schadstoffentfrachtung", "Leiterplatten", "Elektroaltgeräte"),
        (Co.STUDENT_PROJECT, Co.STAFF_EXCHANGE, Co.TESTING),
        (5, 9),
    ),
    "sortsense-harz": DemoProfile(
        "We develop software for sensor-based sorting: camera images, X-ray transmission and "
        "LIBS spectra are classified in real time by machine-learning models running on the "
        "sorting machine. We label training data, integrate sensors into existing conveyor "
        "belts and measure purity and yield in trials at our customers' plants. Typical "
        "projects: sorting scrap alloys, printed circuit boards and plastics containing "
        "flame retardants. We supervise master's theses in computer vision.",
        ("machine learning", "LIBS", "X-ray transmission", "computer vision"),
        (Co.CONTRACT_RESEARCH, Co.STUDENT_PROJECT, Co.TESTING),
        (4, 8),
        ("en", "de"),
    ),
    "elbe-ostfalen-edelmetall": DemoProfile(
        "Wir scheiden Platin, Palladium, Rhodium, Gold und Silber aus Autokatalysatoren, "
        "Prozesskatalysatoren, Dentallegierungen und elektronischen Bauteilen. "
        "Katalysatormonolithe mahlen und homogenisieren wir, nehmen Proben und bestimmen die "
        "Edelmetallgehalte mit Brandprobe, ICP-OES und Röntgenfluoreszenz. Unser Labor "
        "arbeitet nach DIN EN ISO/IEC 17025 und übernimmt Analytikaufträge für Dritte.",
        ("Platingruppenmetalle", "Brandprobe", "ICP-OES", "Katalysatoren", "Probenahme"),
        (Co.TESTING, Co.CONTRACT_RESEARCH),
        (5, 9),
        ("de", "en"),
    ),
    "seesener-haldenservice": DemoProfile(
        "Wir erkunden Bergbauhalden und Schlackenablagerungen geologisch: Beprobung mit "
        "Rammkernsondierungen und Schürfen, Probenahmepläne nach LAGA PN 98, Haldenkataster "
        "und Volumenabschätzung mit Drohnenvermessung. Wir bewerten Wertstoffpotenziale und "
        "Umweltrisiken und begleiten Genehmigungsverfahren bei der Bergbehörde.",
        ("Haldenerkundung", "Probenahme", "LAGA PN 98", "Drohnenvermessung"),
        (Co.FEASIBILITY, Co.TESTING),
        (1, 6),
    ),
    "tu-oberharz": DemoProfile(
        "Das Institut für Aufbereitung entwickelt Verfahren zur Zerkleinerung, Sortierung "
        "und Dichtetrennung von Schrotten, Schlacken und Elektronikschrott im "
        "Technikumsmaßstab. Am Institut für Metallurgie laufen pyrometallurgische Versuche im "
        "Lichtbogen- und Induktionsofen sowie hydrometallurgische Laugung, Solventextraktion "
        "und Fällung von Kobalt, Nickel, Lithium, Indium und Platingruppenmetallen. "
        "Mineralogische Analytik mit REM-EDX und Mineral Liberation Analysis zeigt "
        "Verwachsung und Freilegung der Wertstoffe. Wir arbeiten in öffentlich geförderten "
        "Verbundprojekten, übernehmen Auftragsforschung und betreuen Bachelor-, Master- und "
        "Doktorarbeiten mit Unternehmen.",
        ("Hydrometallurgie", "Pyrometallurgie", "Laugung", "Solventextraktion", "Aufbereitung"),
        (Co.FUNDED_PROJECT, Co.CONTRACT_RESEARCH, Co.STUDENT_PROJECT, Co.EQUIPMENT),
        (1, 5),
        ("de", "en"),
    ),
    "hochschule-nordharz": DemoProfile(
        "Studierende und Lehrende der Wirtschaftsinformatik und der Automatisierungstechnik "
        "bearbeiten Praxisprojekte mit Unternehmen: Tourenplanung und Sammellogistik, "
        "Simulation von Materialflüssen, Datenbanken und digitale Materialpässe, Robotik und "
        "Bildverarbeitung für Demontageaufgaben. Wir betreuen Abschlussarbeiten in "
        "Unternehmen, entwickeln Weiterbildungsmodule für Fachkräfte und erstellen Umfragen "
        "und Wirtschaftlichkeitsanalysen.",
        ("Logistik", "Simulation", "Digitalisierung", "Robotik", "Weiterbildung"),
        (Co.STUDENT_PROJECT, Co.STAFF_EXCHANGE, Co.FEASIBILITY),
        (2, 7),
    ),
    "harz-institut-rohstoffkreislaeufe": DemoProfile(
        "Unser Technikum hat Pilotanlagen für Zerkleinerung, Siebung, Wirbelstrom- und "
        "Sensorsortierung sowie Rührreaktoren bis 500 Liter für Laugung und Fällung. Wir "
        "entwickeln Recyclingverfahren für Lithium-Ionen-Batterien, von der Entladung bis zur "
        "Rückgewinnung von Lithium, Kobalt und Nickel, für Elektronikschrott und für "
        "metallhaltige Prozesswässer. Ökobilanzen und Wirtschaftlichkeitsrechnungen begleiten "
        "jedes Verfahren. Wir übernehmen Auftragsforschung, Machbarkeitsstudien und "
        "Versuchsreihen und koordinieren öffentlich geförderte Verbundprojekte.",
        ("Pilotanlagen", "Batterierecycling", "Sensorsortierung", "Laugung", "Ökobilanz"),
        (Co.CONTRACT_RESEARCH, Co.FUNDED_PROJECT, Co.FEASIBILITY, Co.TESTING, Co.EQUIPMENT),
        (3, 7),
        ("de", "en"),
    ),
    "kreisabfallwirtschaft-westharz": DemoProfile(
        "Wir betreiben acht Wertstoffhöfe, die Sammlung von Elektroaltgeräten und "
        "Altbatterien und die Abfallberatung im Landkreis. Für Projekte bringen wir "
        "Sammeldaten, Standorte für Pilotversuche zu Sammlung und Sortierung und den Kontakt "
        "zu Bürgerinnen und Bürgern ein.",
        ("Wertstoffhof", "Sammellogistik", "Altbatterien", "Abfallberatung"),
        (Co.STUDENT_PROJECT, Co.STAFF_EXCHANGE),
        (5, 9),
    ),
    "zweckverband-abfall-vorharz": DemoProfile(
        "Wir sammeln und transportieren Siedlungsabfälle für mehrere Gemeinden, betreiben "
        "eine Umladestation und vermarkten Wertstoffe. In Projekte bringen wir Daten zu "
        "Mengen und Zusammensetzung ein und erproben neue Sammelsysteme in ausgewählten "
        "Ortschaften.",
        ("Siedlungsabfälle", "Umladestation", "Sammelsysteme"),
        (Co.STUDENT_PROJECT, Co.FEASIBILITY),
        (6, 9),
    ),
    "recyclingnetzwerk-harz": DemoProfile(
        "Wir bringen Unternehmen, Hochschulen, Forschungseinrichtungen und Kommunen der "
        "Recyclingregion zusammen, vermitteln Projektpartner und Fördermittel und "
        "organisieren Workshops, Exkursionen, das Symposium und das Innovationsforum. Wir "
        "unterstützen Förderanträge für Verbundprojekte und die Qualifizierung von "
        "Fachkräften.",
        ("Netzwerk", "Clustermanagement", "Förderberatung", "Fachkräfte"),
        (Co.FUNDED_PROJECT, Co.STAFF_EXCHANGE),
        (1, 9),
        ("de", "en"),
        recommend=False,
    ),
    "analytikzentrum-sekundaerrohstoffe": DemoProfile(
        "Accredited laboratory for the chemical and mineralogical analysis of secondary raw "
        "materials. We determine major and trace elements in slags, filter dusts, black "
        "mass, printed circuit boards and process waters by ICP-OES, ICP-MS, X-ray "
        "fluorescence and X-ray diffraction, and characterise particles by SEM-EDX. We "
        "design sampling and sample preparation for heterogeneous materials and validate "
        "analytical methods with industry. Typical projects: mass balances of recycling "
        "processes, round-robin tests and quality control of recyclates.",
        ("ICP-MS", "X-ray diffraction", "sampling", "trace elements", "SEM-EDX"),
        (Co.TESTING, Co.CONTRACT_RESEARCH, Co.FUNDED_PROJECT),
        (2, 9),
        ("en", "de"),
    ),
    "institut-kreislauftechnik-nordhausen": DemoProfile(
        "Wir automatisieren die Demontage von Elektroaltgeräten und Batteriesystemen: "
        "robotergestütztes Entstücken von Leiterplatten, Bildverarbeitung zur Erkennung von "
        "Bauteilen und Schraubverbindungen, Trockeneisstrahlen und thermische Verfahren zum "
        "Lösen von Klebverbindungen. In unserer Versuchshalle stehen Industrieroboter, eine "
        "Demontagezelle und eine kleine Schredderlinie. Wir bieten Machbarkeitsstudien, "
        "Auftragsforschung und Weiterbildungen für Fachkräfte an.",
        ("Demontage", "Robotik", "Leiterplatten", "Trockeneisstrahlen", "Klebverbindungen"),
        (Co.FEASIBILITY, Co.CONTRACT_RESEARCH, Co.FUNDED_PROJECT, Co.STAFF_EXCHANGE),
        (3, 7),
    ),
}


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


#: One login per persona (PRODUCT.md 2), listed by the command and in the README.
PERSONAS = {
    "sme": _email("sme"),
    "researcher": _email("researcher"),
    "municipality": _email("municipality"),
    "organiser": _email("organiser"),
    "attendee": _email("attendee"),
    "admin": _email("admin"),
}

USERS = [
    DemoUser(
        PERSONAS["sme"],
        "Katrin",
        "Berger",
        "harzer-metallrueckgewinnung",
        ADMIN,
        "Geschäftsführerin",
        "+49 5322 555 0101",
        "NE-Metalle, Krätzeaufbereitung, Schmelzbetrieb",
        ("metal-recycling", "pyrometallurgy"),
        consents={Consent.Kind.MARKETING: True, Consent.Kind.ATTENDEE_LIST: True},
    ),
    DemoUser(
        _email("t.kowalski"),
        "Tomasz",
        "Kowalski",
        "harzer-metallrueckgewinnung",
        MEMBER,
        "Leiter Qualitätssicherung",
        keywords="Probenahme, Röntgenfluoreszenz",
        topics=("metal-recycling",),
    ),
    DemoUser(
        PERSONAS["researcher"],
        "Jonas",
        "Reinhardt",
        "tu-oberharz",
        MEMBER,
        "Wissenschaftlicher Mitarbeiter, Institut für Aufbereitung",
        "+49 5323 555 0202",
        "Hydrometallurgie, Laugung, Indiumrückgewinnung",
        ("hydrometallurgy", "critical-raw-materials", "battery-recycling"),
        consents={Consent.Kind.ATTENDEE_LIST: True},
    ),
    DemoUser(
        _email("s.albrecht"),
        "Sabine",
        "Albrecht",
        "tu-oberharz",
        ADMIN,
        "Professorin für Metallurgie",
        keywords="Pyrometallurgie, Schlackenmetallurgie",
        topics=("pyrometallurgy", "slags-residues"),
    ),
    DemoUser(
        PERSONAS["municipality"],
        "Frank",
        "Hoffmann",
        "kreisabfallwirtschaft-westharz",
        ADMIN,
        "Betriebsleiter Wertstoffhöfe",
        "+49 5522 555 0303",
        "Sammellogistik, Elektroaltgeräte",
        ("logistics", "weee"),
    ),
    DemoUser(
        PERSONAS["organiser"],
        "Miriam",
        "Engel",
        "recyclingnetzwerk-harz",
        ADMIN,
        "Clustermanagerin",
        "+49 5321 555 0404",
        topics=("metal-recycling", "skilled-workers"),
        is_staff=True,
        organiser=True,
    ),
    DemoUser(
        PERSONAS["attendee"],
        "Lukas",
        "Vogel",
        "recyclingnetzwerk-harz",
        MEMBER,
        "Masterstudent Rohstoffingenieurwesen",
        topics=("critical-raw-materials",),
        language="en",
        consents={Consent.Kind.ATTENDEE_LIST: False, Consent.Kind.MARKETING: True},
    ),
    DemoUser(
        PERSONAS["admin"],
        "Entwicklung",
        "Admin",
        None,
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser(
        _email("p.schulze"),
        "Petra",
        "Schulze",
        "innerste-buntmetall",
        ADMIN,
        "Geschäftsführerin",
        keywords="Kabelzerlegung, Granulierung",
        topics=("metal-recycling", "mechanical-processing"),
    ),
    DemoUser(
        _email("a.yilmaz"),
        "Ahmet",
        "Yılmaz",  # noqa: RUF001 - a Turkish surname, spelt correctly
        "bodetal-batterierecycling",
        ADMIN,
        "Gründer und Geschäftsführer",
        keywords="Schwarzmasse, Tiefentladung, Demontage",
        topics=("battery-recycling",),
    ),
    DemoUser(
        _email("j.neumann"),
        "Julia",
        "Neumann",
        "bodetal-batterierecycling",
        MEMBER,
        "Verfahrensingenieurin",
        topics=("battery-recycling", "hydrometallurgy"),
    ),
    DemoUser(
        _email("r.krause"),
        "Rainer",
        "Krause",
        "suedharzer-elektronikverwertung",
        ADMIN,
        "Betriebsleiter",
        keywords="Erstbehandlung, Schadstoffentfrachtung",
        topics=("weee",),
    ),
    DemoUser(
        _email("d.fischer"),
        "Daniel",
        "Fischer",
        "sortsense-harz",
        ADMIN,
        "CTO",
        keywords="Bildverarbeitung, maschinelles Lernen, LIBS",
        topics=("sensor-sorting", "digitalisation"),
        language="en",
    ),
    DemoUser(
        _email("c.lange"),
        "Claudia",
        "Lange",
        "elbe-ostfalen-edelmetall",
        ADMIN,
        "Leiterin Labor und Analytik",
        keywords="Platingruppenmetalle, Brandprobe",
        topics=("catalysts", "metal-recycling"),
    ),
    DemoUser(
        _email("m.wolf"),
        "Markus",
        "Wolf",
        "seesener-haldenservice",
        ADMIN,
        "Geologe und Inhaber",
        keywords="Haldenerkundung, Probenahme",
        topics=("mine-dumps", "slags-residues"),
    ),
    DemoUser(
        _email("b.richter"),
        "Birgit",
        "Richter",
        "hochschule-nordharz",
        ADMIN,
        "Professorin für Produktionslogistik",
        keywords="Logistik, Simulation",
        topics=("logistics", "digitalisation"),
    ),
    DemoUser(
        _email("f.baumann"),
        "Felix",
        "Baumann",
        "hochschule-nordharz",
        MEMBER,
        "Laboringenieur Automatisierung",
        topics=("digitalisation", "sensor-sorting"),
    ),
    DemoUser(
        _email("h.schmitt"),
        "Hannah",
        "Schmitt",
        "harz-institut-rohstoffkreislaeufe",
        ADMIN,
        "Abteilungsleiterin Recyclingtechnologien",
        keywords="Pilotanlagen, Verbundprojekte",
        topics=("critical-raw-materials", "battery-recycling"),
    ),
    DemoUser(
        _email("o.meier"),
        "Oliver",
        "Meier",
        "harz-institut-rohstoffkreislaeufe",
        MEMBER,
        "Projektleiter Sensorsortierung",
        topics=("sensor-sorting",),
    ),
    DemoUser(
        _email("s.koch"),
        "Stefan",
        "Koch",
        "zweckverband-abfall-vorharz",
        ADMIN,
        "Verbandsgeschäftsführer",
        topics=("logistics", "energy"),
    ),
    DemoUser(
        _email("n.peters"),
        "Nadine",
        "Peters",
        "kreisabfallwirtschaft-westharz",
        MEMBER,
        "Abfallberaterin",
        topics=("circular-design",),
    ),
    DemoUser(
        _email("e.hartung"),
        "Emily",
        "Hartung",
        "analytikzentrum-sekundaerrohstoffe",
        ADMIN,
        "Head of the laboratory",
        keywords="ICP-MS, X-ray diffraction, sampling",
        topics=("slags-residues", "critical-raw-materials"),
        language="en",
    ),
    DemoUser(
        _email("k.seidel"),
        "Kai",
        "Seidel",
        "institut-kreislauftechnik-nordhausen",
        ADMIN,
        "Institutsleiter",
        keywords="Demontage, Robotik, Weiterbildung",
        topics=("weee", "circular-design"),
    ),
]

#: Open invitations, so the invitation screens have something to show.
INVITATIONS = [
    ("harzer-metallrueckgewinnung", _email("neu.kollegin"), PERSONAS["sme"]),
]

# --- Generated extras for --scale -------------------------------------------------------

_PLACES = [
    ("Goslar", State.NI),
    ("Clausthal-Zellerfeld", State.NI),
    ("Osterode am Harz", State.NI),
    ("Bad Harzburg", State.NI),
    ("Seesen", State.NI),
    ("Langelsheim", State.NI),
    ("Braunschweig", State.NI),
    ("Wernigerode", State.ST),
    ("Halberstadt", State.ST),
    ("Quedlinburg", State.ST),
    ("Magdeburg", State.ST),
    ("Nordhausen", State.TH),
]
_PREFIXES = ["Harzer", "Oker", "Bode", "Selke", "Brocken", "Innerste", "Ostfalen", "Südharz"]
_TRADES = [
    (Kind.COMPANY, "Metallrecycling GmbH", ("metal-recycling", "mechanical-processing")),
    (Kind.COMPANY, "Kabel- und Schrotthandel GmbH", ("metal-recycling", "logistics")),
    (Kind.COMPANY, "Elektronikrecycling GmbH", ("weee", "logistics")),
    (Kind.COMPANY, "Aufbereitungstechnik GmbH", ("mechanical-processing", "sensor-sorting")),
    (Kind.RESEARCH, "Forschungszentrum für Werkstoffkreisläufe", ("critical-raw-materials",)),
    (Kind.PUBLIC, "Abfallwirtschaftsbetrieb", ("logistics",)),
    (Kind.ASSOCIATION, "Umweltnetzwerk e. V.", ("circular-design", "skilled-workers")),
]
# One profile per trade above (same order), for the generated organisations.
_TRADE_PROFILES = [
    DemoProfile(
        "Wir sortieren und schmelzen NE-Metallschrotte und liefern Legierungen an Gießereien.",
        ("NE-Metalle", "Schrottsortierung"),
        (Co.TESTING, Co.EQUIPMENT),
        (6, 9),
    ),
    DemoProfile(
        "Wir sammeln Kabel- und Mischschrotte im Harz und bereiten sie für Hütten vor.",
        ("Kabelschrott", "Schrotthandel"),
        (Co.STUDENT_PROJECT,),
        (7, 9),
    ),
    DemoProfile(
        "Wir zerlegen Elektroaltgeräte und trennen Leiterplatten, Metalle und Kunststoffe.",
        ("Elektroaltgeräte", "Zerlegung"),
        (Co.TESTING, Co.STUDENT_PROJECT),
        (5, 9),
    ),
    DemoProfile(
        "Wir planen und bauen Anlagen zur Zerkleinerung und sensorgestützten Sortierung.",
        ("Anlagenbau", "Sensorsortierung"),
        (Co.EQUIPMENT, Co.FEASIBILITY),
        (5, 8),
    ),
    DemoProfile(
        "Wir erforschen Verfahren zur Rückgewinnung kritischer Rohstoffe aus Reststoffen "
        "und begleiten Unternehmen vom Laborversuch bis zum Technikum.",
        ("kritische Rohstoffe", "Laugung"),
        (Co.CONTRACT_RESEARCH, Co.FUNDED_PROJECT),
        (2, 6),
    ),
    DemoProfile(
        "Wir sammeln Siedlungsabfälle und betreiben Wertstoffhöfe.",
        ("Sammlung", "Wertstoffhof"),
        (Co.STUDENT_PROJECT,),
        (6, 9),
    ),
    DemoProfile(
        "Wir vernetzen Betriebe und Bürger zu Umweltthemen und bieten Weiterbildungen an.",
        ("Netzwerk", "Weiterbildung"),
        (Co.STAFF_EXCHANGE,),
        (1, 9),
    ),
]
_FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Eva", "Finn", "Greta", "Jan", "Lea", "Max"]
_LAST_NAMES = ["Schröder", "Wagner", "Becker", "Hartmann", "Zimmermann", "Krüger", "Braun"]


def generated_profile(slug: str) -> DemoProfile | None:
    """The profile of a generated organisation (its trade's), by its slug."""
    if not slug.startswith("demo-"):
        return None
    rng = random.Random(int(slug.removeprefix("demo-")))  # noqa: S311 - as generated_data
    return _TRADE_PROFILES[_TRADES.index(rng.choice(_TRADES))]


def generated_data(scale: int) -> tuple[list[DemoOrganisation], list[DemoUser]]:
    """(scale - 1) times as many organisations and users again, with stable keys."""
    organisations: list[DemoOrganisation] = []
    users: list[DemoUser] = []
    org_count = (scale - 1) * len(ORGANISATIONS)
    user_count = (scale - 1) * len(USERS)
    for index in range(1, org_count + 1):
        rng = random.Random(index)  # noqa: S311 - deterministic demo data, not security
        kind, trade, topics = rng.choice(_TRADES)
        city, state = rng.choice(_PLACES)
        organisations.append(
            DemoOrganisation(
                slug=f"demo-{index:05d}",
                name=f"{rng.choice(_PREFIXES)} {trade} ({index})",
                kind=kind,
                city=city,
                state=state,
                size=rng.choice([Size.MICRO, Size.SMALL, Size.MEDIUM]),
                topics=topics,
                description=f"Fiktives Demo-Mitglied aus {city} für Last- und Skalierungstests.",
            )
        )
    for index in range(1, user_count + 1):
        rng = random.Random(-index)  # noqa: S311
        organisation = organisations[(index - 1) % org_count] if org_count else None
        users.append(
            DemoUser(
                email=_email(f"demo-user-{index:05d}"),
                first_name=rng.choice(_FIRST_NAMES),
                last_name=rng.choice(_LAST_NAMES),
                organisation=organisation.slug if organisation else None,
                # The first user placed in each organisation administers it.
                role=ADMIN if index <= org_count else MEMBER,
                position="Mitarbeiter/in",
                topics=organisation.topics if organisation else (),
            )
        )
    return organisations, users


# --- Seeding ----------------------------------------------------------------------------


def _seed_organisation(data: DemoOrganisation, topics: dict[str, Topic]) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        slug=data.slug,
        defaults={
            "name": data.name,
            "kind": data.kind,
            "city": data.city,
            "federal_state": data.state,
            "size_band": data.size,
            "description": data.description,
            "website": data.website,
            # Demo organisations have passed the organisers' review (issue 11).
            "status": Organisation.Status.APPROVED,
        },
    )
    organisation.topics.set([topics[slug] for slug in data.topics])
    profile = PROFILES.get(data.slug) or generated_profile(data.slug)
    if profile is not None:
        CompetenceProfile.objects.update_or_create(
            organisation=organisation,
            defaults={
                "competences": profile.competences,
                "keywords": list(profile.keywords),
                "cooperation_types": list(profile.cooperation),
                "trl_min": profile.trl[0],
                "trl_max": profile.trl[1],
                "languages": list(profile.languages),
                "recommend": profile.recommend,
            },
        )
    return organisation


def _seed_user(
    data: DemoUser,
    *,
    organisations: dict[str, Organisation],
    topics: dict[str, Topic],
    organisers: Group,
    password_hash: str,
) -> tuple[User, bool]:
    user, created = User.objects.update_or_create(
        email=data.email,
        defaults={
            "first_name": data.first_name,
            "last_name": data.last_name,
            "is_staff": data.is_staff,
            "is_superuser": data.is_superuser,
            "is_active": True,
        },
    )
    # Never re-hash on a second run: the hash (and any password a developer set) stays.
    if created or not user.has_usable_password():
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=data.email, defaults={"verified": True, "primary": True}
    )
    if data.organiser:
        user.groups.add(organisers)
    if data.organisation:
        Membership.objects.update_or_create(
            user=user,
            defaults={"organisation": organisations[data.organisation], "role": data.role},
        )
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={
            "position": data.position,
            "phone": data.phone,
            "expertise_keywords": data.keywords,
            "preferred_language": data.language,
        },
    )
    profile.topics.set([topics[slug] for slug in data.topics])
    for kind, given in data.consents.items():
        Consent.objects.get_or_create(
            user=user, kind=kind, context="demo", defaults={"given": given}
        )
    return user, created


def seed(*, scale: int, stdout) -> None:
    """Creates or updates the demo organisations, users and invitations."""
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    extra_organisations, extra_users = generated_data(scale)

    organisations = {
        data.slug: _seed_organisation(data, topics)
        for data in [*ORGANISATIONS, *extra_organisations]
    }
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    created_users = 0
    for data in [*USERS, *extra_users]:
        _user, created = _seed_user(
            data,
            organisations=organisations,
            topics=topics,
            organisers=organisers,
            password_hash=password_hash,
        )
        created_users += created
    users = {
        user.email: user for user in User.objects.filter(email__in=[u for _, _, u in INVITATIONS])
    }
    for organisation_slug, email, inviter in INVITATIONS:
        Invitation.objects.get_or_create(
            organisation=organisations[organisation_slug],
            email=email,
            accepted_at=None,
            revoked_at=None,
            defaults={"invited_by": users[inviter], "role": MEMBER},
        )

    stdout.write(
        f"members: {len(organisations)} organisations, "
        f"{len(USERS) + len(extra_users)} users ({created_users} new)"
    )

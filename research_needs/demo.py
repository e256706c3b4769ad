"""Fictional demo research needs, answers and conversations (PRODUCT.md 7).

25 needs in every state and visibility, posted by the demo SMEs and public bodies of
members/demo.py, several about batteries; answers in every state from the research
institutions, with conversations. ``seed`` is idempotent: needs are keyed on organisation
and title, answers on need and organisation, messages on conversation and text, and only
missing rows are created, so a second run changes nothing. No notification is sent: the
rows are written directly, not through the services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from members.demo import _email
from members.models import Organisation, Topic, User

from .models import Answer, Conversation, Message, Need


@dataclass(frozen=True)
class DemoNeed:
    organisation: str
    author: str
    title: str
    summary: str
    description: str
    challenges: tuple[str, ...]
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    trl: tuple[int, int]
    cooperation: tuple[str, ...]
    status: str = "published"
    visibility: str = "public"
    partners: tuple[str, ...] = ("research",)
    budget: str = "not_stated"
    funding: bool = False
    close_reason: str = ""
    comment: str = ""
    age_days: int = 30


SME = _email("sme")
N = DemoNeed
NEEDS = [
    N(
        "bodetal-batterierecycling",
        _email("a.yilmaz"),
        "Recycling von Lithium-Ionen-Batterien: Kobalt und Nickel aus Schwarzmasse",
        "Wir zerkleinern jährlich rund 2.000 t Lithium-Ionen-Batterien und möchten die "
        "Rückgewinnung von Kobalt und Nickel aus der Schwarzmasse deutlich verbessern.",
        "Unsere Anlage in Thale entlädt, demontiert und zerkleinert Altbatterien aus E-Bikes, "
        "Werkzeugen und Fahrzeugen. Die Schwarzmasse verkaufen wir bisher an Hütten, der Erlös "
        "schwankt stark mit dem Kobaltpreis.\n\nWir suchen einen Partner, der mit uns ein "
        "hydrometallurgisches Verfahren im Technikumsmaßstab erprobt: selektive Laugung, "
        "Abtrennung von Kupfer und Aluminium, Fällung von Kobalt- und Nickelsalzen. Proben "
        "(je 50 kg aus fünf Chargen) stellen wir bereit.",
        ("new_technology", "input_streams"),
        ("battery-recycling", "hydrometallurgy", "critical-raw-materials"),
        ("Schwarzmasse", "Laugung", "Kobalt", "Nickel"),
        (3, 6),
        ("funded_project", "testing"),
        budget="50k_250k",
        funding=True,
        age_days=12,
    ),
    N(
        "bodetal-batterierecycling",
        _email("j.neumann"),
        "Batteriegehäuse aus Aluminium sortenrein zurückgewinnen",
        "Beim Zerlegen von Fahrzeugbatterien fallen Gehäuse aus Aluminiumdruckguss mit "
        "Kunststoff- und Klebstoffresten an. Wir suchen ein wirtschaftliches Reinigungsverfahren.",
        "Je Batteriesystem entstehen 30 bis 60 kg Gehäuseteile. Klebstoffe, Wärmeleitpasten "
        "und Dichtungen mindern den Schrottwert erheblich. Wir möchten wissen, ob thermische "
        "Vorbehandlung, Trockeneisstrahlen oder eine Kombination sinnvoll ist, und suchen "
        "dafür eine Machbarkeitsstudie mit Versuchen an realen Bauteilen.",
        ("new_technology",),
        ("battery-recycling", "metal-recycling", "mechanical-processing"),
        ("Aluminium", "Batteriegehäuse", "Batterien", "Demontage"),
        (2, 5),
        ("feasibility", "testing"),
        budget="10k_50k",
        age_days=20,
    ),
    N(
        "harzer-metallrueckgewinnung",
        SME,
        "Sichere Lagerung beschädigter Batterien im Sammelhof",
        "Defekte Lithium-Batterien im Mischschrott verursachen Brände. Wir suchen ein Konzept "
        "für Erkennung, Ausschleusung und sichere Zwischenlagerung.",
        "In den letzten zwei Jahren hatten wir drei Brände, jedes Mal durch Batterien im "
        "angelieferten Schrott. Wir möchten Wärmebildkameras, Röntgen oder KI-Bilderkennung "
        "an der Annahme prüfen und ein Lagerkonzept nach aktuellem Regelwerk entwickeln.",
        ("logistics", "regulation"),
        ("battery-recycling", "logistics", "sensor-sorting"),
        ("Brandschutz", "Batterien", "Wärmebild"),
        (4, 7),
        ("feasibility", "student_project"),
        partners=("research", "public"),
        age_days=8,
    ),
    N(
        "harzer-metallrueckgewinnung",
        _email("t.kowalski"),
        "Zinkrückgewinnung aus Filterstäuben der Messingschmelze",
        "Unsere Filterstäube enthalten bis zu 40 % Zink. Wir suchen einen Weg, das Zink "
        "wirtschaftlich zurückzugewinnen, statt die Stäube zu deponieren.",
        "Pro Jahr fallen rund 300 t Filterstaub an, mit Zink, Blei und Chloriden. Die "
        "Entsorgung kostet uns über 100.000 EUR. Gesucht ist eine Bewertung verfügbarer "
        "Verfahren (Wälzrohr, Laugung) und gegebenenfalls ein gemeinsames Förderprojekt.",
        ("new_technology", "energy"),
        ("metal-recycling", "slags-residues", "hydrometallurgy"),
        ("Filterstaub", "Zink", "Messing"),
        (2, 5),
        ("funded_project", "feasibility"),
        budget="50k_250k",
        funding=True,
        age_days=40,
    ),
    N(
        "innerste-buntmetall",
        _email("p.schulze"),
        "Kupferkabel mit Sensorik nach Legierung sortieren",
        "Wir möchten Kabelschrott vor dem Granulieren nach Kupferqualität und Beschichtung "
        "sortieren, um höhere Erlöse zu erzielen.",
        "Verzinnte, lackierte und blanke Kupferdrähte landen heute gemeinsam im Granulat. "
        "Wir suchen Erfahrung mit LIBS- oder Röntgenfluoreszenz-Sortierung und einen Partner "
        "für Versuche an einer Laboranlage.",
        ("new_technology", "digitalisation"),
        ("sensor-sorting", "metal-recycling", "mechanical-processing"),
        ("LIBS", "Kupfer", "Kabelschrott"),
        (3, 6),
        ("testing", "contract_research"),
        budget="10k_50k",
        age_days=25,
    ),
    N(
        "suedharzer-elektronikverwertung",
        _email("r.krause"),
        "Leiterplatten vor dem Schreddern automatisch entstücken",
        "Tantalkondensatoren und Edelmetallbauteile gehen im Schredder verloren. Wir suchen "
        "ein automatisiertes Entstücken von Leiterplatten.",
        "Unsere Handdemontage ist teuer und findet kaum noch Personal. Wir möchten prüfen, ob "
        "Bilderkennung und gezieltes Erhitzen das selektive Lösen wertvoller Bauteile erlaubt.",
        ("new_technology", "skilled_workers", "digitalisation"),
        ("weee", "critical-raw-materials", "digitalisation"),
        ("Leiterplatten", "Tantal", "Automatisierung"),
        (2, 5),
        ("funded_project", "student_project"),
        funding=True,
        age_days=15,
    ),
    N(
        "sortsense-harz",
        _email("d.fischer"),
        "Trainingsdaten für KI-Sortierung von Elektronikschrott",
        "Unsere sensorgestützte Sortieranlage braucht bessere Trainingsdaten. Wir suchen "
        "Partner für ein offenes, annotiertes Bilddatenset.",
        "Wir betreiben Hyperspektral- und RGB-Kameras über Förderbändern. Die Modelle "
        "erkennen Kunststoffgehäuse gut, Platinen und Akkus dagegen schlecht. Gemeinsam mit "
        "einer Hochschule möchten wir ein Datenset aufbauen und Modelle vergleichen.",
        ("digitalisation",),
        ("sensor-sorting", "digitalisation", "weee"),
        ("Hyperspektral", "Trainingsdaten", "KI"),
        (4, 7),
        ("student_project", "contract_research"),
        partners=("research",),
        age_days=5,
    ),
    N(
        "elbe-ostfalen-edelmetall",
        _email("c.lange"),
        "Platin und Palladium aus Altkatalysatoren effizienter laugen",
        "Wir suchen ein chloridfreies Laugungsverfahren für Platingruppenmetalle aus "
        "Fahrzeugkatalysatoren.",
        "Unsere Königswasserlaugung ist teuer und erzeugt nitrose Gase. Wir möchten "
        "alternative Laugungsmittel im Labormaßstab vergleichen und die Ausbeute bei "
        "keramischen Trägern über 95 % bringen.",
        ("new_technology", "regulation"),
        ("catalysts", "hydrometallurgy", "critical-raw-materials"),
        ("Platin", "Palladium", "Laugung"),
        (3, 5),
        ("contract_research",),
        budget="10k_50k",
        age_days=33,
    ),
    N(
        "seesener-haldenservice",
        _email("m.wolf"),
        "Wertstoffpotenzial alter Bergbauhalden erkunden",
        "Wir möchten drei Halden bei Seesen beproben und bewerten lassen, ob sich die "
        "Aufbereitung der enthaltenen Metalle lohnt.",
        "Die Halden stammen aus dem Erzbergbau des 19. Jahrhunderts. Wir vermuten Blei, "
        "Zink, Silber und Indium. Gesucht sind Probenahmeplanung, Analytik und eine erste "
        "Wirtschaftlichkeitsabschätzung.",
        ("input_streams", "regulation"),
        ("mine-dumps", "critical-raw-materials"),
        ("Halde", "Indium", "Probenahme"),
        (1, 3),
        ("feasibility", "testing"),
        partners=("research", "public"),
        budget="under_10k",
        age_days=45,
    ),
    N(
        "kreisabfallwirtschaft-westharz",
        _email("municipality"),
        "Sammelquote für Altbatterien auf Wertstoffhöfen erhöhen",
        "Viele Gerätebatterien landen im Restmüll. Wir suchen wissenschaftliche Begleitung "
        "für eine Kampagne und neue Sammelsysteme.",
        "Auf unseren sechs Wertstoffhöfen sammeln wir Batterien in Boxen. Wir möchten "
        "Rückgabeautomaten und Informationskampagnen testen und die Wirkung messen lassen.",
        ("logistics", "other"),
        ("battery-recycling", "logistics"),
        ("Sammelquote", "Wertstoffhof", "Batterien"),
        (5, 7),
        ("student_project", "feasibility"),
        partners=("research", "association"),
        age_days=10,
    ),
    N(
        "zweckverband-abfall-vorharz",
        _email("s.koch"),
        "Schlacke aus der Müllverbrennung besser entmetallisieren",
        "Wir möchten Nichteisenmetalle aus Rostasche vollständiger zurückgewinnen, auch in "
        "der Feinfraktion unter 4 mm.",
        "Derzeit trennen wir Eisen und grobe NE-Metalle ab. In der Feinfraktion stecken "
        "Kupfer und Edelmetalle, die wir bislang deponieren. Gesucht sind Versuche mit "
        "Wirbelstrom- und Dichtesortierung.",
        ("new_technology", "input_streams"),
        ("slags-residues", "mechanical-processing", "metal-recycling"),
        ("Rostasche", "Feinfraktion", "Wirbelstrom"),
        (4, 6),
        ("testing", "equipment"),
        partners=("research", "company"),
        age_days=28,
    ),
    # --- members only and anonymous ---
    N(
        "innerste-buntmetall",
        _email("p.schulze"),
        "Energiebedarf des Induktionsofens senken",
        "Wir möchten den Stromverbrauch unseres Induktionsofens um 15 % senken und suchen "
        "Partner für Messungen und Prozessoptimierung.",
        "Der Ofen schmilzt Messing- und Kupferschrott im Zweischichtbetrieb. Wir vermuten "
        "Verluste beim Chargieren und Warmhalten.",
        ("energy",),
        ("energy", "pyrometallurgy"),
        ("Induktionsofen", "Energieeffizienz"),
        (6, 8),
        ("contract_research", "staff_exchange"),
        visibility="members",
        age_days=18,
    ),
    N(
        "suedharzer-elektronikverwertung",
        _email("r.krause"),
        "Ausbildungsmodul Elektronikschrott-Demontage",
        "Gemeinsam mit einer Hochschule möchten wir ein Qualifizierungsmodul für angelernte "
        "Demontagekräfte entwickeln.",
        "Neue Mitarbeitende brauchen Monate, bis sie Bauteile sicher erkennen. Ein "
        "modulares Schulungsprogramm mit Lernvideos soll das verkürzen.",
        ("skilled_workers",),
        ("skilled-workers", "weee"),
        ("Qualifizierung", "Demontage"),
        (5, 7),
        ("staff_exchange", "student_project"),
        visibility="members",
        partners=("research", "association"),
        age_days=22,
    ),
    N(
        "harzer-metallrueckgewinnung",
        SME,
        "Digitaler Materialpass für angelieferte Schrotte",
        "Wir möchten Analysedaten, Herkunft und Qualität jeder Schrottcharge digital "
        "erfassen und mit Kunden teilen.",
        "Heute liegen Analysen als PDF vor. Gesucht ist ein Datenmodell und ein Prototyp.",
        ("digitalisation",),
        ("digitalisation", "metal-recycling"),
        ("Materialpass", "Datenmodell"),
        (3, 6),
        ("student_project",),
        visibility="members",
        age_days=3,
    ),
    N(
        "elbe-ostfalen-edelmetall",
        _email("c.lange"),
        "Silber aus Photovoltaik-Modulen zurückgewinnen",
        "Wir prüfen den Einstieg ins PV-Recycling und suchen vertraulich einen Partner für "
        "die Silberrückgewinnung aus Solarzellen.",
        "Nach mechanischer Delamination liegen Zellbruchstücke vor. Wir möchten selektive "
        "Laugungsverfahren für Silber vergleichen.",
        ("new_technology",),
        ("critical-raw-materials", "hydrometallurgy"),
        ("Photovoltaik", "Silber"),
        (2, 4),
        ("contract_research", "feasibility"),
        visibility="anonymous",
        budget="10k_50k",
        age_days=14,
    ),
    N(
        "bodetal-batterierecycling",
        _email("a.yilmaz"),
        "Lithium aus Prozesswässern der Batterieaufbereitung gewinnen",
        "In unseren Waschwässern gehen geringe Lithiumkonzentrationen verloren. Wir suchen "
        "ein Anreicherungsverfahren.",
        "Die Konzentration liegt bei 0,5 bis 2 g/l. Denkbar sind Ionenaustausch oder "
        "Membranverfahren.",
        ("new_technology", "energy"),
        ("battery-recycling", "hydrometallurgy"),
        ("Lithium", "Ionenaustausch", "Batterien"),
        (2, 5),
        ("funded_project",),
        visibility="anonymous",
        funding=True,
        age_days=6,
    ),
    # --- drafts, submitted ---
    N(
        "sortsense-harz",
        _email("d.fischer"),
        "Sortierung von Kunststoffgehäusen mit Flammschutzmitteln",
        "Entwurf: Bromierte Flammschutzmittel sicher erkennen und ausschleusen.",
        "Noch zu ergänzen: Mengen, bisherige Versuche.",
        ("regulation",),
        ("sensor-sorting", "weee"),
        ("Flammschutzmittel",),
        (3, 5),
        ("testing",),
        status="draft",
        age_days=2,
    ),
    N(
        "seesener-haldenservice",
        _email("m.wolf"),
        "Staubarme Umlagerung von Haldenmaterial",
        "Wir suchen Verfahren, Haldenmaterial staubarm umzulagern.",
        "Bitte ergänzen.",
        ("regulation", "logistics"),
        ("mine-dumps", "logistics"),
        ("Staub",),
        (5, 7),
        ("feasibility",),
        status="draft",
        comment="Bitte beschreiben Sie Mengen, Korngrößen und die Genehmigungslage genauer.",
        age_days=9,
    ),
    N(
        "kreisabfallwirtschaft-westharz",
        _email("n.peters"),
        "Sperrmüll-Elektrogeräte vor Ort vorsortieren",
        "Wir möchten Elektrogeräte aus der Sperrmüllabfuhr direkt am Fahrzeug vorsortieren.",
        "Ziel ist eine höhere Wiederverwendungsquote und weniger Batteriebrände im Fahrzeug.",
        ("logistics",),
        ("logistics", "weee"),
        ("Sperrmüll", "Wiederverwendung"),
        (4, 6),
        ("student_project",),
        status="submitted",
        age_days=1,
    ),
    N(
        "innerste-buntmetall",
        _email("p.schulze"),
        "Messingspäne ölfrei aufbereiten",
        "Ölhaltige Messingspäne aus der Zerspanung sollen ohne Lösemittel gereinigt werden.",
        "Wir erhalten monatlich 80 t Späne mit bis zu 5 % Kühlschmierstoff.",
        ("new_technology", "energy"),
        ("metal-recycling", "mechanical-processing"),
        ("Späne", "Kühlschmierstoff"),
        (4, 6),
        ("testing", "contract_research"),
        status="submitted",
        age_days=1,
    ),
    # --- closed ---
    N(
        "harzer-metallrueckgewinnung",
        SME,
        "Bleifreie Lote aus Elektronikschrott trennen",
        "Wir suchten ein Verfahren, zinnreiche Lote aus Krätzen zurückzugewinnen.",
        "Mit einer Hochschule haben wir ein Vakuumdestillationsverfahren getestet.",
        ("new_technology",),
        ("metal-recycling", "pyrometallurgy"),
        ("Zinn", "Lot"),
        (3, 5),
        ("contract_research",),
        status="closed",
        close_reason="cooperation",
        age_days=120,
    ),
    N(
        "suedharzer-elektronikverwertung",
        _email("r.krause"),
        "Tantal aus Kondensatoren anreichern",
        "Gesucht war ein Verfahren, Tantalkondensatoren sortenrein zu gewinnen.",
        "Die Frist ist ohne passende Antwort abgelaufen.",
        ("new_technology",),
        ("critical-raw-materials", "weee"),
        ("Tantal",),
        (2, 4),
        ("feasibility",),
        status="closed",
        close_reason="expired",
        age_days=200,
    ),
    N(
        "zweckverband-abfall-vorharz",
        _email("s.koch"),
        "Bioabfall-Störstoffe mit Kameras erkennen",
        "Wir suchten Kameratechnik für Störstoffe im Bioabfall.",
        "Das Vorhaben wurde intern zurückgestellt.",
        ("digitalisation",),
        ("sensor-sorting", "logistics"),
        ("Bioabfall",),
        (4, 6),
        ("testing",),
        status="closed",
        close_reason="withdrawn",
        age_days=90,
    ),
    N(
        "sortsense-harz",
        _email("d.fischer"),
        "Förderband-Reinigung für Sortieranlagen",
        "Wir suchten ein Reinigungskonzept für Förderbänder.",
        "Leider ging keine passende Antwort ein.",
        ("other",),
        ("mechanical-processing",),
        ("Förderband",),
        (6, 7),
        ("equipment",),
        status="closed",
        close_reason="no_answer",
        age_days=150,
    ),
    N(
        "seesener-haldenservice",
        _email("m.wolf"),
        "Werbung für Haldenführungen",
        "Wir suchen eine Agentur für Werbung.",
        "Flyer und Website.",
        ("other",),
        ("mine-dumps",),
        ("Werbung",),
        (1, 1),
        ("feasibility",),
        status="closed",
        close_reason="rejected",
        comment="Dies ist kein Forschungsbedarf; bitte wenden Sie sich an die Geschäftsstelle.",
        age_days=60,
    ),
]


@dataclass(frozen=True)
class DemoAnswer:
    need: str  # title
    organisation: str
    author: str
    approach: str
    cooperation: str
    status: str = "submitted"
    feedback: str = ""
    messages: tuple[tuple[str, str], ...] = ()  # (author email, text)


TU = "tu-oberharz"
HS = "hochschule-nordharz"
HI = "harz-institut-rohstoffkreislaeufe"
ANSWERS = [
    DemoAnswer(
        NEEDS[0].title,
        TU,
        _email("researcher"),
        "Unser Institut für Aufbereitung betreibt eine Laugungsanlage im 100-Liter-Maßstab. "
        "Wir schlagen eine zweistufige schwefelsaure Laugung mit anschließender "
        "Solventextraktion vor und können innerhalb von drei Monaten erste Ausbeuten liefern.",
        "funded_project",
        status="accepted",
        messages=(
            (_email("researcher"), "Guten Tag, wir würden gern die Proben im Mai abholen."),
            (_email("a.yilmaz"), "Gern, passt Ihnen der 12. Mai? Wir bereiten fünf Fässer vor."),
            (
                _email("researcher"),
                "Der 12. Mai passt. Ich schicke vorab einen Projektskizzen-Entwurf.",
            ),
        ),
    ),
    DemoAnswer(
        NEEDS[0].title,
        HI,
        _email("h.schmitt"),
        "Wir haben Erfahrung mit der Direktrecycling-Route und könnten eine "
        "Vergleichsstudie zur Hydrometallurgie erstellen.",
        "feasibility",
        status="shortlisted",
        messages=((_email("h.schmitt"), "Sollen wir Ihnen unsere Referenzprojekte schicken?"),),
    ),
    DemoAnswer(
        NEEDS[0].title,
        HS,
        _email("b.richter"),
        "Eine Masterarbeit zur Laugungskinetik wäre ab dem Wintersemester möglich.",
        "student_project",
        status="declined",
        feedback="Wir brauchen Ergebnisse vor dem Winter; vielen Dank für Ihr Angebot.",
    ),
    DemoAnswer(
        NEEDS[1].title,
        HS,
        _email("f.baumann"),
        "Unser Labor für Fügetechnik kann Trockeneisstrahlen und thermische Entlackung an "
        "Ihren Bauteilen vergleichen.",
        "testing",
        messages=((_email("f.baumann"), "Wie viele Gehäuse könnten Sie uns für Versuche geben?"),),
    ),
    DemoAnswer(
        NEEDS[2].title,
        HI,
        _email("o.meier"),
        "Wir entwickeln Röntgen-Detektion von Batterien in Schüttgut und würden das an Ihrer "
        "Annahme erproben.",
        "feasibility",
        status="withdrawn",
    ),
    DemoAnswer(
        NEEDS[4].title,
        TU,
        _email("s.albrecht"),
        "Wir betreiben eine LIBS-Versuchsanlage und können Sortierversuche mit Ihrem "
        "Kabelschrott fahren.",
        "testing",
        status="shortlisted",
    ),
    DemoAnswer(
        NEEDS[14].title,
        TU,
        _email("researcher"),
        "Selektive Silberlaugung mit Thiosulfat haben wir bereits im Labor untersucht.",
        "contract_research",
        messages=((_email("researcher"), "Dürfen wir fragen, welche Modulmengen Sie erwarten?"),),
    ),
    DemoAnswer(
        NEEDS[20].title,
        HS,
        _email("b.richter"),
        "Vakuumdestillation von Zinnloten ist ein Schwerpunkt unseres Labors.",
        "contract_research",
        status="accepted",
        messages=(
            (_email("b.richter"), "Der Abschlussbericht liegt Ihnen jetzt vor."),
            (SME, "Vielen Dank, wir melden uns zur Fortsetzung."),
        ),
    ),
]


def _users(emails) -> dict[str, User]:
    return {user.email: user for user in User.objects.filter(email__in=set(emails))}


def _create_need(data: DemoNeed, organisation, author, topics, today, now) -> Need:
    created = now - timedelta(days=data.age_days + 3)
    published = None
    submitted = None
    closed = None
    deadline = today + timedelta(days=180 - data.age_days)
    if data.status in ("submitted", "published", "closed"):
        submitted = now - timedelta(days=data.age_days + 1)
    if data.status == "published" or (
        data.status == "closed" and data.close_reason not in ("rejected",)
    ):
        published = now - timedelta(days=data.age_days)
    if data.status == "closed":
        closed = now - timedelta(days=max(1, data.age_days // 4))
        if data.close_reason == "expired":
            deadline = today - timedelta(days=2)
    need = Need.objects.create(
        organisation=organisation,
        created_by=author,
        contact_person=author,
        title=data.title,
        summary=data.summary,
        description=data.description,
        challenge_types=list(data.challenges),
        keywords=list(data.keywords),
        trl_now=data.trl[0],
        trl_target=data.trl[1],
        cooperation_types=list(data.cooperation),
        partner_kinds=list(data.partners),
        budget_band=data.budget,
        public_funding=data.funding,
        deadline=deadline,
        language="de",
        visibility=data.visibility,
        status=data.status,
        close_reason=data.close_reason,
        moderation_comment=data.comment,
        submitted_at=submitted,
        published_at=published,
        closed_at=closed,
    )
    Need.objects.filter(pk=need.pk).update(created_at=created)
    need.topics.set([topics[slug] for slug in data.topics])
    return need


def _generated_needs(scale: int) -> list[DemoNeed]:
    """(scale - 1) times as many needs again, deterministic, spread over the demo SMEs."""
    extra: list[DemoNeed] = []
    templates = [need for need in NEEDS if need.status == "published"]
    for index in range(1, (scale - 1) * len(NEEDS) + 1):
        rng = random.Random(index)  # noqa: S311 - deterministic demo data
        base = rng.choice(templates)
        extra.append(
            DemoNeed(
                organisation=base.organisation,
                author=base.author,
                title=f"{base.title} (Variante {index})",
                summary=base.summary,
                description=base.description,
                challenges=base.challenges,
                topics=base.topics,
                keywords=base.keywords,
                trl=base.trl,
                cooperation=base.cooperation,
                visibility=rng.choice(["public", "public", "members", "anonymous"]),
                partners=base.partners,
                budget=base.budget,
                funding=base.funding,
                age_days=rng.randint(1, 150),
            )
        )
    return extra


def seed(*, scale: int, stdout) -> None:
    needs_data = NEEDS + _generated_needs(scale)
    organisations = {
        org.slug: org
        for org in Organisation.objects.filter(slug__in={n.organisation for n in needs_data})
    }
    users = _users(
        [n.author for n in needs_data]
        + [a.author for a in ANSWERS]
        + [email for a in ANSWERS for email, _text in a.messages]
    )
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    existing = {
        (organisation_id, title): need
        for organisation_id, title, need in (
            (need.organisation_id, need.title, need)
            for need in Need.objects.filter(organisation__in=organisations.values())
        )
    }
    today, now = timezone.localdate(), timezone.now()
    created = 0
    needs_by_title = {}
    for data in needs_data:
        organisation = organisations.get(data.organisation)
        if organisation is None:
            continue  # members' seeder did not create it (should not happen)
        need = existing.get((organisation.pk, data.title))
        if need is None:
            need = _create_need(data, organisation, users.get(data.author), topics, today, now)
            created += 1
        needs_by_title[data.title] = need

    answers_created = messages_created = 0
    research = {
        org.slug: org
        for org in Organisation.objects.filter(slug__in={a.organisation for a in ANSWERS})
    }
    for data in ANSWERS:
        need, organisation = needs_by_title.get(data.need), research.get(data.organisation)
        if need is None or organisation is None:
            continue
        answer = Answer.objects.filter(need=need, organisation=organisation).first()
        if answer is None:
            decided = now - timedelta(days=1) if data.status != "submitted" else None
            answer = Answer.objects.create(
                need=need,
                organisation=organisation,
                created_by=users.get(data.author),
                approach=data.approach,
                competences="Technikum, Analytik (ICP-OES, RFA), erfahrene Projektleitung",
                references="Verbundprojekt „Harz-Recycling 2030“ (fiktiv)",
                cooperation_type=data.cooperation,
                timeframe="3 bis 9 Monate",
                status=data.status,
                feedback=data.feedback,
                decided_at=decided,
            )
            answers_created += 1
        conversation, _created = Conversation.objects.get_or_create(answer=answer)
        for position, (email, text) in enumerate(data.messages):
            if conversation.messages.filter(body=text).exists():
                continue
            author = users.get(email)
            membership = (
                author.memberships.select_related("organisation").first() if author else None
            )
            if membership is None:
                continue
            Message.objects.create(
                conversation=conversation,
                author=author,
                author_organisation=membership.organisation,
                body=text,
                created_at=now - timedelta(hours=48 - 6 * position),
                # The last message stays unread, so the unread badges show something.
                read_at=None if position == len(data.messages) - 1 else now,
            )
            messages_created += 1
    stdout.write(
        f"Research needs: {created} needs, {answers_created} answers and "
        f"{messages_created} messages created."
    )

"""Many realistic research needs, fast, for the needs benchmarks (P2, P3).

Titles, summaries and descriptions are put together from German recycling vocabulary in
its inflected forms (Batterien, Batterie; Schlacken, Schlacke; …), grouped by the sixteen
topic areas, so the search vector holds the spread of words a real table would (a need is
mostly about its own area), and the GIN index is realistically sized.
The needs are spread over a few dozen organisations, every state and visibility, with
most of them published (as on a live site).
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

# The sixteen topic areas of the shared list (PRODUCT.md 3.6), each with what its needs are
# about: (materials, sources, methods, problems). A need mostly stays inside its area and
# mentions one other, as real texts do.
# fmt: off
AREAS = [
    (["Kupfer", "Zink", "Zinn", "Blei", "Silber"],
     ["Kupferschlacken", "Messingspänen", "Zinkaschen", "Bleiakkumulatoren", "Lotabfällen"],
     ["Umschmelzen", "Raffination", "Seigerung", "Destillation"],
     ["Die Legierungsanteile schwanken von Charge zu Charge."]),
    (["Indium", "Gallium", "Germanium", "Wolfram", "Tantal", "Neodym", "Dysprosium"],
     ["Permanentmagneten", "Hartmetallschrott", "Displays", "Halbleiterresten", "Sputtertargets"],
     ["Solventextraktion", "Ionenaustausch", "Fällung", "Chlorierung"],
     ["Die Gehalte kritischer Rohstoffe liegen im Spurenbereich."]),
    (["Lithium", "Kobalt", "Nickel", "Mangan", "Graphit"],
     ["Lithium-Ionen-Batterien", "Batterien", "Schwarzmasse", "Batteriemodulen", "Akkus"],
     ["Entladung", "Demontage", "Laugung", "Kristallisation"],
     ["Die Batterie muss vor der Zerlegung sicher entladen werden."]),
    (["Gold", "Palladium", "Kupfer", "Silber"],
     ["Elektronikschrott", "Leiterplatten", "Kabelschrott", "Steckverbindern", "Altgeräten"],
     ["Zerlegung", "Pyrolyse", "Schmelzen", "Sortierung"],
     ["Die Geräte enthalten bromierte Flammschutzmittel."]),
    (["Platin", "Palladium", "Rhodium", "Cer"],
     ["Katalysatoren", "Autokatalysatoren", "Prozesskatalysatoren", "Katalysatorträgern"],
     ["Aufschluss", "Röstung", "Plasmaschmelzen"],
     ["Der Monolith ist keramisch und schwer aufzuschließen."]),
    (["Zink", "Blei", "Arsen", "Silber"],
     ["Halden", "Bergbaurückständen", "Tailings", "Haldenmaterial", "Grubenwasser"],
     ["Bioleaching", "Probenahme", "Geophysik", "Nassaufbereitung"],
     ["Die Halde steht unter Denkmalschutz und liegt im Wasserschutzgebiet."]),
    (["Eisen", "Chrom", "Vanadium", "Zink"],
     ["Schlacken", "Stahlwerksschlacken", "Filterstäuben", "Krätzen", "Ofenausbruch"],
     ["Schlackenkonditionierung", "Magnetscheidung", "Karbonatisierung"],
     ["Die Schlacke soll als Baustoff zugelassen werden."]),
    (["Aluminium", "Kupfer", "Edelstahl"],
     ["Shredderrückständen", "Schrottgemischen", "Verbundmaterialien", "Spänen"],
     ["Zerkleinerung", "Siebung", "Wirbelstromscheidung", "Dichtesortierung"],
     ["Die Korngrößenverteilung ist sehr breit."]),
    (["Aluminium", "Magnesium", "Kunststoff"],
     ["Mischschrott", "Leichtverpackungen", "Glasscherben", "Altholz"],
     ["Röntgenfluoreszenz", "Nahinfrarot-Sortierung", "Kamerasortierung", "LIBS"],
     ["Die Sensoren erkennen verschmutzte Teile nicht zuverlässig."]),
    (["Kobalt", "Nickel", "Kupfer", "Scandium"],
     ["Laugungsrückständen", "Galvanikschlämmen", "Beizsäuren", "Prozesswässern"],
     ["Elektrolyse", "Membranverfahren", "Fällung", "Extraktion"],
     ["Der Säureverbrauch ist zu hoch."]),
    (["Kupfer", "Blei", "Zinn", "Antimon"],
     ["Hüttenzwischenprodukten", "Stäuben", "Schmelzen", "Konzentraten"],
     ["Verhüttung", "Schachtofen", "Badschmelzverfahren", "Entzinkung"],
     ["Der Ofen läuft bei wechselnden Einsatzstoffen instabil."]),
    (["Wertstoffe", "Altmetalle"],
     ["Sammelstellen", "Wertstoffhöfen", "Containern", "Touren"],
     ["Tourenplanung", "Rücknahmesysteme", "Lagerhaltung"],
     ["Die Sammlung im ländlichen Raum ist teuer."]),
    (["Daten", "Messwerte"],
     ["Betriebsdaten", "Laborwerten", "Wiegescheinen", "Chargenprotokollen"],
     ["Digitalisierung", "maschinelles Lernen", "Sensorik", "digitaler Zwilling"],
     ["Die Daten liegen in Tabellen auf verschiedenen Rechnern."]),
    (["Wasserstoff", "Erdgas", "Strom"],
     ["Abwärme", "Öfen", "Trocknern", "Druckluft"],
     ["Wärmerückgewinnung", "Elektrifizierung", "Lastmanagement"],
     ["Die Energiekosten sind stark gestiegen."]),
    (["Produkte", "Bauteile"],
     ["Gehäusen", "Verbindungen", "Werkstoffverbunden", "Verpackungen"],
     ["Design for Recycling", "Ökobilanz", "Materialpass"],
     ["Die Kunden verlangen einen Nachweis des Rezyklatanteils."]),
    (["Fachkräfte", "Auszubildende"],
     ["Schichtbetrieb", "Anlagenführung", "Laborarbeit"],
     ["Weiterbildung", "Qualifizierung", "Lernplattform"],
     ["Erfahrene Mitarbeitende gehen bald in Rente."]),
]
GOALS = [
    "Rückgewinnung", "Abtrennung", "Anreicherung", "Charakterisierung", "Verwertung",
    "Gewinnung", "Analyse", "Optimierung", "Bewertung", "Steigerung der Ausbeute",
]
CONTEXT = [
    "Unsere Eingangsströme schwanken stark in Menge und Zusammensetzung.",
    "Wir suchen einen Partner für eine Machbarkeitsstudie im Technikumsmaßstab.",
    "Es fehlen uns Fachkräfte mit Erfahrung in der Prozessentwicklung.",
    "Für die Zertifizierung brauchen wir belastbare Analysen.",
    "Ein gefördertes Verbundprojekt mit einer Hochschule wäre denkbar.",
    "Studierende könnten das Thema in einer Abschlussarbeit bearbeiten.",
    "Unsere Anlage im Harz steht für Versuche zur Verfügung.",
    "Die Reinheit des Produkts reicht für den Wiedereinsatz noch nicht aus.",
    "Das Verfahren soll mit geringem Wasserverbrauch auskommen.",
    "Wir haben erste Laborversuche gemacht, aber keine Erfahrung mit dem Hochskalieren.",
    "Die Genehmigungsbehörde verlangt ein Konzept bis zum Jahresende.",
    "Der Markt für das Produkt wächst, die Preise schwanken jedoch stark.",
    "Wir könnten Proben und Betriebsdaten bereitstellen.",
    "Die Anlage ist zwanzig Jahre alt und soll modernisiert werden.",
]
KEYWORDS = [
    "Recycling", "Kreislaufwirtschaft", "Sekundärrohstoffe", "Metallurgie",
    "Prozessentwicklung", "Analytik", "Energieeffizienz", "Pilotanlage", "Förderprojekt",
]

CHALLENGES = [
    "new_technology", "logistics", "input_streams", "skilled_workers", "energy",
    "digitalisation", "regulation", "other",
]
COOPERATIONS = [
    "contract_research", "funded_project", "student_project", "testing", "feasibility",
    "equipment", "staff_exchange",
]
# fmt: on
BUDGETS = ["not_stated", "none", "under_10k", "10k_50k", "50k_250k", "over_250k"]


def _text(rng: random.Random) -> tuple[str, str, str, list[str]]:
    materials, sources, methods, problems = rng.choice(AREAS)
    other_materials, other_sources, other_methods, _problems = rng.choice(AREAS)
    material, source, method = rng.choice(materials), rng.choice(sources), rng.choice(methods)
    goal = rng.choice(GOALS)
    title = rng.choice(
        [
            f"{goal} von {material} aus {source}",
            f"{method} für {source}",
            f"{goal}: {material} aus {source} durch {method}",
            f"Partner gesucht: {method} von {source}",
        ]
    )
    summary = (
        f"Wir suchen Forschungspartner für die {goal} von {material} aus {source}. "
        f"{rng.choice(problems)} {rng.choice(CONTEXT)}"
    )
    description = " ".join(
        [
            f"Ausgangslage: In unserem Betrieb fallen jährlich mehrere hundert Tonnen {source} an.",
            f"Bisher setzen wir auf {rng.choice(methods)}, das gelingt aber nur teilweise.",
            *rng.sample(problems, 1),
            *rng.sample(CONTEXT, 3),
            f"Erfahrungen mit {rng.choice(other_sources)} und {rng.choice(other_materials)}",
            f"oder mit {rng.choice(other_methods)} sind willkommen.",
        ]
    )
    keywords = rng.sample(KEYWORDS, rng.randint(1, 4))
    return title[:200], summary[:500], description, keywords


def create_needs(count: int, *, seed: int = 2026, chunk: int = 2000) -> float:
    """Inserts ``count`` needs (with topics) and ANALYZEs the tables; returns the seconds taken.

    Needs a migrated database; adds its own organisations and users."""
    from django.db import connection
    from django.utils import timezone

    from members.models import Membership, Organisation, Topic, User
    from research_needs.models import Need

    started = time.perf_counter()
    # `make bench` runs every benchmark in one process against one database: start from an
    # empty needs table, so each benchmark measures exactly the needs it asked for.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Need._meta.db_table} RESTART IDENTITY CASCADE")
    User.objects.filter(email__startswith="bench-author-").delete()
    Organisation.objects.filter(slug__startswith="bench-organisation-").delete()
    rng = random.Random(seed)
    kinds = [k for k, _label in Organisation.Kind.choices]
    states = ["NI", "ST", "TH", "SN", "BE"]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench Organisation {i:03d}",
            slug=f"bench-organisation-{i:03d}",
            kind=kinds[i % len(kinds)],
            city="Goslar",
            federal_state=states[i % len(states)],
            status=Organisation.Status.APPROVED,
        )
        for i in range(40)
    )
    users = User.objects.bulk_create(
        User(email=f"bench-author-{i:03d}@example.org", first_name="Bench", last_name=str(i))
        for i in range(len(organisations))
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=org, role=Membership.Role.ADMIN)
        for user, org in zip(users, organisations, strict=True)
    )
    topic_ids = list(Topic.objects.values_list("pk", flat=True))
    # Most needs are published and public, as on a live site; the rest spread over the states.
    statuses = ["published"] * 14 + ["draft", "submitted", "closed", "closed"]
    visibilities = ["public"] * 6 + ["members"] * 3 + ["anonymous"]
    today = timezone.localdate()
    now = timezone.now()
    Through = Need.topics.through
    done = 0
    while done < count:
        size = min(chunk, count - done)
        batch = []
        for i in range(done, done + size):
            title, summary, description, keywords = _text(rng)
            author = rng.randrange(len(organisations))
            status = rng.choice(statuses)
            trl_now = rng.randint(1, 7)
            batch.append(
                Need(
                    organisation=organisations[author],
                    created_by=users[author],
                    contact_person=users[author],
                    title=title,
                    summary=summary,
                    description=description,
                    challenge_types=rng.sample(CHALLENGES, rng.randint(1, 3)),
                    keywords=keywords,
                    trl_now=trl_now,
                    trl_target=rng.randint(trl_now, 9),
                    cooperation_types=rng.sample(COOPERATIONS, rng.randint(1, 3)),
                    partner_kinds=rng.sample(kinds, rng.randint(1, 2)),
                    budget_band=rng.choice(BUDGETS),
                    public_funding=rng.random() < 0.4,
                    desired_start=None,
                    deadline=today + timedelta(days=rng.randint(1, 360)),
                    language="de",
                    visibility=rng.choice(visibilities),
                    status=status,
                    close_reason="expired" if status == "closed" else "",
                    submitted_at=None if status == "draft" else now,
                    published_at=now - timedelta(minutes=i)
                    if status in ("published", "closed")
                    else None,
                    closed_at=now if status == "closed" else None,
                )
            )
        created = Need.objects.bulk_create(batch)
        Through.objects.bulk_create(
            Through(need_id=need.pk, topic_id=topic_id)
            for need in created
            for topic_id in rng.sample(topic_ids, rng.randint(1, 3))
        )
        done += size
    with connection.cursor() as cursor:
        # What autovacuum does on a live site: merge the GIN index's pending list, gather stats.
        # (every GIN index on the table, as autovacuum would: the search has more than one).
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [Need._meta.db_table],
        )
        # VACUUM too where it can run (outside a transaction: the benchmarks), so that the
        # autovacuum 90,000 new rows set off does not run in the middle of a measurement
        # (it made the browse p95 at 100,000 needs jump from 15 to 21 ms in one run).
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for model in (Need, Through, Organisation):
            cursor.execute(f"{verb} {model._meta.db_table}")
    return time.perf_counter() - started

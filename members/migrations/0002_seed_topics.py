"""The shared topic list of PRODUCT.md 3.6. Organisers edit it in admin afterwards."""

from django.db import migrations

TOPICS = [
    ("metal-recycling", "Metallrecycling (NE- und Edelmetalle)", "Metal recycling (non-ferrous and precious metals)"),
    ("critical-raw-materials", "Strategische und kritische Rohstoffe (z. B. Indium, Gallium, Germanium, Wolfram, Kobalt, Seltene Erden)", "Strategic and critical raw materials (e.g. indium, gallium, germanium, tungsten, cobalt, rare earths)"),
    ("battery-recycling", "Batterierecycling", "Battery recycling"),
    ("weee", "Elektronikschrott (WEEE)", "Electronic scrap (WEEE)"),
    ("catalysts", "Katalysatoren", "Catalysts"),
    ("mine-dumps", "Halden und Bergbaurückstände", "Mine dumps and tailings"),
    ("slags-residues", "Schlacken und Aufbereitungsrückstände", "Slags and processing residues"),
    ("mechanical-processing", "Mechanische Aufbereitung und Sortierung", "Mechanical processing and sorting"),
    ("sensor-sorting", "Sensorgestützte Sortierung", "Sensor-based sorting"),
    ("hydrometallurgy", "Hydrometallurgie", "Hydrometallurgy"),
    ("pyrometallurgy", "Pyrometallurgie", "Pyrometallurgy"),
    ("logistics", "Logistik und Sammlung", "Logistics and collection"),
    ("digitalisation", "Digitalisierung und Daten", "Digitalisation and data"),
    ("energy", "Energie und Dekarbonisierung", "Energy and decarbonisation"),
    ("circular-design", "Kreislauffähiges Produktdesign", "Circular product design"),
    ("skilled-workers", "Ausbildung und Fachkräfte", "Training and skilled workers"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("members", "Topic")
    for position, (slug, de, en) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name_de": de, "name_en": en, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("members", "Topic").objects.filter(slug__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

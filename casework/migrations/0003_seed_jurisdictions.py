"""Seed the city of Nanning (450100) with its districts and counties."""

from django.db import migrations

CITY = ("450100", "南宁市", "city")
BELOW = [
    ("450102", "兴宁区", "district"),
    ("450103", "青秀区", "district"),
    ("450105", "江南区", "district"),
    ("450107", "西乡塘区", "district"),
    ("450108", "良庆区", "district"),
    ("450109", "邕宁区", "district"),
    ("450110", "武鸣区", "district"),
    ("450123", "隆安县", "county"),
    ("450124", "马山县", "county"),
    ("450125", "上林县", "county"),
    ("450126", "宾阳县", "county"),
    ("450181", "横州市", "county"),
]


def seed(apps, schema_editor):
    Jurisdiction = apps.get_model("casework", "Jurisdiction")
    code, name, level = CITY
    city, _ = Jurisdiction.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "path": f"/{code}/"}
    )
    for code, name, level in BELOW:
        Jurisdiction.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": city, "path": f"{city.path}{code}/"},
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_audit_append_only")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

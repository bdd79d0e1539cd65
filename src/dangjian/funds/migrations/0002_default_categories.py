"""The default income and spending categories (收支科目)."""

from django.db import migrations

DEFAULTS = (
    ("上级拨款", "in", True),
    ("党费返还", "in", False),
    ("驻区单位支持", "in", False),
    ("其他收入", "in", False),
    ("办公", "out", False),
    ("活动", "out", False),
    ("慰问", "out", False),
    ("培训", "out", False),
    ("设施维护", "out", False),
    ("其他", "out", False),
)


def add(apps, schema_editor):  # noqa: ANN001, ANN201
    Category = apps.get_model("funds", "Category")
    for sort, (name, direction, allocation) in enumerate(DEFAULTS):
        Category.objects.get_or_create(
            name=name, direction=direction, defaults={"is_allocation": allocation, "sort": sort}
        )


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]

"""A member's employer is a resident unit when it is one (``employer_unit``), the text
``work_unit`` only otherwise; their home is the household on the places tree, the text
``address`` only when there is none (issue 14: one fact, one place).

The data step clears the address text of members whose household is chosen (the place tree
holds it, with the household's own address). It is one-way: the reverse keeps the field and
leaves the text cleared.
"""

import django.db.models.deletion
from django.db import migrations, models


def clear_second_copy(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Member.objects.filter(household__isnull=False).exclude(address="").update(address="")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_list_indexes"),
        ("orgs", "0003_residentunit_also_in"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="employer_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="employees",
                to="orgs.residentunit",
                verbose_name="工作单位（驻区单位）",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="work_unit",
            field=models.CharField(
                blank=True,
                help_text="不是登记的驻区单位时填写。",
                max_length=100,
                verbose_name="工作单位",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="address",
            field=models.CharField(
                blank=True,
                help_text="住户未在区域中登记时填写。",
                max_length=200,
                verbose_name="现居住地址",
            ),
        ),
        migrations.RunPython(clear_second_copy, migrations.RunPython.noop),
    ]

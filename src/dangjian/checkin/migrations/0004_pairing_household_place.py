"""A pairing's household becomes a household on the places tree (the column arrives here as
``place``, is filled by 0005 and takes the name ``household`` in 0006); ``household_note`` keeps
the name of one not yet on the tree."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkin", "0003_deeds_data"),
        ("orgs", "0003_residentunit_also_in"),
    ]

    operations = [
        migrations.AddField(
            model_name="pairing",
            name="place",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.place",
            ),
        ),
        migrations.AddField(
            model_name="pairing",
            name="household_note",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="帮扶对象（未登记的户）"
            ),
        ),
    ]

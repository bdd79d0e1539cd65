"""Issue 14: a co-building activity becomes the co-building detail of a deed. The link is
nullable here; 0004 fills it, 0005 makes it required and drops the fields the deed now holds."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cobuild", "0002_unitcontact"),
        ("deeds", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="deed",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activity",
                to="deeds.deed",
                verbose_name="实事与服务记录",
            ),
        ),
    ]

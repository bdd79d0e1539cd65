"""Issue 14: commitment evidence and duty logs live in the deeds now (moved by 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0004_deeds_data"),
    ]

    operations = [
        migrations.DeleteModel(name="Evidence"),
        migrations.DeleteModel(name="DutyLog"),
    ]

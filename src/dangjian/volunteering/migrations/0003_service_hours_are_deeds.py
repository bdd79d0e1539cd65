"""Issue 14: volunteer services and hours live in the deeds now (moved by 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0002_deeds_data"),
    ]

    operations = [
        migrations.DeleteModel(name="Hours"),
        migrations.DeleteModel(name="Service"),
    ]

"""Issue 14: the date, title, place, beneficiaries, units, members and community of an activity
live on its deed now; every activity has one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cobuild", "0004_deeds_data"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="activity", name="cobuild_act_communi_f369aa_idx"),
        migrations.AlterModelOptions(
            name="activity",
            options={"ordering": ["-deed__date", "-pk"], "verbose_name": "共驻共建活动"},
        ),
        migrations.RemoveField(model_name="activity", name="community"),
        migrations.RemoveField(model_name="activity", name="date"),
        migrations.RemoveField(model_name="activity", name="title"),
        migrations.RemoveField(model_name="activity", name="place"),
        migrations.RemoveField(model_name="activity", name="beneficiaries"),
        migrations.RemoveField(model_name="activity", name="units"),
        migrations.RemoveField(model_name="activity", name="members"),
        migrations.AlterField(
            model_name="activity",
            name="deed",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activity",
                to="deeds.deed",
                verbose_name="实事与服务记录",
            ),
        ),
    ]

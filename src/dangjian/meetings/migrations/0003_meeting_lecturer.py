# Who gave a party lecture (rule meeting.party_lecture: the branch secretary once a year).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_rules_talks_lost_votes"),
        ("members", "0003_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="lecturer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="lectures",
                to="members.member",
                verbose_name="讲课人",
            ),
        ),
    ]

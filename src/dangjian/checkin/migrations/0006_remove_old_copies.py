"""Issue 14: the check-in's own copies go — its deeds table (now ``deeds.Deed``), the free-text
household of a pairing (now a household on the places tree, or ``household_note``), the post
text (now ``commitments.PostHolder``) and the employer fields (now on the member record)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkin", "0005_facts_to_their_places"),
    ]

    operations = [
        migrations.RemoveField(model_name="pairing", name="household"),
        migrations.RenameField(model_name="pairing", old_name="place", new_name="household"),
        migrations.AlterField(
            model_name="pairing",
            name="household",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pairings",
                to="orgs.place",
                verbose_name="帮扶对象（户）",
            ),
        ),
        migrations.AddConstraint(
            model_name="pairing",
            constraint=models.CheckConstraint(
                condition=models.Q(("household__isnull", False))
                | models.Q(("household_note", ""), _negated=True),
                name="pairing_names_a_household",
                violation_error_message="请选择结对帮扶的住户。",
            ),
        ),
        migrations.RemoveField(model_name="checkin", name="unit"),
        migrations.RemoveField(model_name="checkin", name="employer"),
        migrations.RemoveField(model_name="checkin", name="employer_party_org"),
        migrations.RemoveField(model_name="checkin", name="post"),
        migrations.DeleteModel(name="Deed"),
    ]

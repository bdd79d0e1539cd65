"""Issue 14: every co-building activity becomes a deed (date, title, place, beneficiaries, the
units and members who took part) with the activity as its co-building detail.

Two activities of the same community on the same day with the same text (spaces and punctuation
ignored, see :mod:`dangjian.deeds.migrating`) are one event recorded twice: they become one deed
with the units and members of both, and one activity — the first keeps its own fields, takes
what it left empty from the second (money, goods, story, feedback, organisers, theme), is marked
a practical deed or a volunteer service if either was, and gets the second's photos; the second
activity is then deleted.

One-way: the reverse does nothing. Going back past 0005 re-creates the old columns empty; the
facts stay in the deeds, which is where every page reads them from.
"""

from django.db import migrations

FILL = ("theme", "organisers", "money", "goods", "summary", "feedback", "recorded_by_id")


def forward(apps, schema_editor):
    from dangjian.deeds.migrating import Merger

    Activity = apps.get_model("cobuild", "Activity")
    Photo = apps.get_model("cobuild", "Photo")
    merger = Merger(apps)
    kept = {}  # deed pk → the activity that is its co-building detail
    for a in Activity.objects.filter(deed__isnull=True).order_by("date", "pk").iterator():
        community_id = merger.community_of(a.community_id) or a.community_id
        deed = merger.deed(
            community_id=community_id,
            date=a.date,
            title=a.title,
            place=a.place,
            beneficiaries=a.beneficiaries,
            recorded_by_id=a.recorded_by_id,
        )
        deed.units.add(*a.units.values_list("pk", flat=True))
        for member_id in a.members.values_list("pk", flat=True):
            merger.take_part(deed, member_id)
        first = kept.get(deed.pk)
        if first is None:
            a.deed = deed
            a.save(update_fields=["deed"])
            kept[deed.pk] = a
            continue
        # The same event recorded twice: one activity, with what either knew.
        for f in FILL:
            if getattr(first, f) in (None, "") and getattr(a, f) not in (None, ""):
                setattr(first, f, getattr(a, f))
        first.is_deed = first.is_deed or a.is_deed
        first.is_volunteer_service = first.is_volunteer_service or a.is_volunteer_service
        first.save()
        Photo.objects.filter(activity=a).update(activity=first)
        a.units.clear()
        a.members.clear()
        a.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cobuild", "0003_activity_deed"),
        ("deeds", "0001_initial"),
        ("orgs", "0003_residentunit_also_in"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

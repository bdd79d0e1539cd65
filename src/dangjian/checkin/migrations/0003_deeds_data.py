"""Issue 14: every check-in deed becomes a deed of the community checked in to
(``deeds.Deed``), the member taking part and who recorded it kept.

A check-in deed on the same day, in the same community and with the same text (spaces and
punctuation ignored, see :mod:`dangjian.deeds.migrating`) as a deed already there — a volunteer
service or co-building activity moved before, or another member's check-in deed — is the same
event: the member becomes one more participant of that deed instead of a second deed.

One-way: the reverse does nothing (going back past 0006 re-creates the old table empty; the
deeds stay where every page now reads them from).
"""

from django.db import migrations


def forward(apps, schema_editor):
    from dangjian.deeds.migrating import Merger

    OldDeed = apps.get_model("checkin", "Deed")
    merger = Merger(apps)
    rows = OldDeed.objects.select_related("checkin").order_by("date", "pk")
    for old in rows.iterator():
        c = old.checkin
        deed = merger.deed(
            community_id=merger.community_of(c.community_id) or c.community_id,
            date=old.date,
            title=old.title,
            recorded_by_id=old.recorded_by_id,
        )
        merger.take_part(deed, c.member_id)


class Migration(migrations.Migration):
    # The four parts move in one order so that merges are deterministic: cobuild, volunteering,
    # checkin, commitments.
    dependencies = [
        ("checkin", "0002_checkin_end_reason"),
        ("deeds", "0001_initial"),
        ("volunteering", "0002_deeds_data"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

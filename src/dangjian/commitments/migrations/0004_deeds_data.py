"""Issue 14: every line of commitment evidence (践诺) and of a post holder's duty log (履职)
becomes a deed the member took part in, linked to the commitment or the holding.

A line of evidence goes to the community the commitment's branch is in, a duty log to the
post's community; recorded_by is kept. Two records of the same community on the same day with
the same text (spaces and punctuation ignored, see :mod:`dangjian.deeds.migrating`) are one
event: a line that repeats a deed already moved (a co-building activity, a volunteer service, a
check-in deed), or the same thing logged as both evidence and duty, becomes one more link (and,
if needed, one more participant) of that one deed. Text longer than a deed's title (300
characters; evidence allowed 500) is cut there.

Reverse: the evidence and duty logs are written back from the deeds' links to commitments and
holdings (the deeds stay; going forward again merges into them, so nothing is doubled).
"""

from django.db import migrations


def forward(apps, schema_editor):
    from dangjian.deeds.migrating import Merger

    Evidence = apps.get_model("commitments", "Evidence")
    DutyLog = apps.get_model("commitments", "DutyLog")
    merger = Merger(apps)
    rows = Evidence.objects.select_related("commitment").order_by("date", "pk")
    for ev in rows.iterator():
        c = ev.commitment
        community_id = merger.community_of(c.org_id) or c.org_id
        deed = merger.deed(
            community_id=community_id,
            date=ev.date,
            title=ev.text,
            recorded_by_id=ev.recorded_by_id,
        )
        merger.take_part(deed, c.member_id)
        deed.commitments.add(c.pk)
    logs = DutyLog.objects.select_related("holder__post").order_by("date", "pk")
    for log in logs.iterator():
        h = log.holder
        deed = merger.deed(
            community_id=h.post.community_id,
            date=log.date,
            title=log.text,
            recorded_by_id=log.recorded_by_id,
        )
        merger.take_part(deed, h.member_id)
        deed.holdings.add(h.pk)


def backward(apps, schema_editor):
    Deed = apps.get_model("deeds", "Deed")
    Evidence = apps.get_model("commitments", "Evidence")
    DutyLog = apps.get_model("commitments", "DutyLog")
    by_commitment = Deed.commitments.through.objects.select_related("deed").order_by("pk")
    Evidence.objects.bulk_create(
        Evidence(
            commitment_id=link.commitment_id,
            date=link.deed.date,
            text=link.deed.title,
            recorded_by_id=link.deed.recorded_by_id,
        )
        for link in by_commitment
    )
    by_holding = Deed.holdings.through.objects.select_related("deed").order_by("pk")
    DutyLog.objects.bulk_create(
        DutyLog(
            holder_id=link.postholder_id,
            date=link.deed.date,
            text=link.deed.title,
            recorded_by_id=link.deed.recorded_by_id,
        )
        for link in by_holding
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_public_board_and_rating_guards"),
        ("deeds", "0001_initial"),
        # the four parts move in one order (cobuild, volunteering, checkin, commitments), so
        # which record makes a merged deed and which joins it is always the same
        ("checkin", "0003_deeds_data"),
    ]

    operations = [migrations.RunPython(forward, backward)]

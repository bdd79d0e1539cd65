"""Issue 14: every volunteer service becomes a deed of its team's community, with the team, the
place, the number served and who recorded it; every member's hours become that deed's
participant with those hours.

Two records of the same community on the same day with the same text (spaces and punctuation
ignored, see :mod:`dangjian.deeds.migrating`) are one event: a service that repeats a
co-building activity already moved (cobuild 0004), or a service recorded twice, becomes one more
team and participants of the one deed — a member in both keeps the hours first recorded.

Reverse: the services and hours are written back from the deeds that have a team (the deeds
stay; going forward again merges into them, so nothing is doubled).
"""

from django.db import migrations


def forward(apps, schema_editor):
    from dangjian.deeds.migrating import Merger

    Service = apps.get_model("volunteering", "Service")
    Hours = apps.get_model("volunteering", "Hours")
    merger = Merger(apps)
    for s in Service.objects.select_related("team").order_by("date", "pk").iterator():
        community_id = merger.community_of(s.team.community_id) or s.team.community_id
        deed = merger.deed(
            community_id=community_id,
            date=s.date,
            title=s.title,
            place=s.place,
            beneficiaries=s.beneficiaries,
            team_id=s.team_id,
            recorded_by_id=s.recorded_by_id,
        )
        for member_id, hours in Hours.objects.filter(service=s).values_list("member_id", "hours"):
            merger.take_part(deed, member_id, hours)


def backward(apps, schema_editor):
    Deed = apps.get_model("deeds", "Deed")
    Participant = apps.get_model("deeds", "Participant")
    Service = apps.get_model("volunteering", "Service")
    Hours = apps.get_model("volunteering", "Hours")
    for d in Deed.objects.filter(team__isnull=False).order_by("date", "pk").iterator():
        s = Service.objects.create(
            team_id=d.team_id,
            date=d.date,
            title=d.title[:100],
            place=d.place,
            beneficiaries=d.beneficiaries,
            recorded_by_id=d.recorded_by_id,
        )
        Hours.objects.bulk_create(
            Hours(service=s, member_id=p.member_id, hours=p.hours)
            for p in Participant.objects.filter(deed=d, hours__isnull=False)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0001_initial"),
        ("deeds", "0001_initial"),
        ("cobuild", "0004_deeds_data"),
    ]

    operations = [migrations.RunPython(forward, backward)]

"""Issue 14: what a check-in kept as its own copy moves to the one place it belongs.

- **Pairings**: the household text becomes the household on the places tree when exactly one
  household of that name is in the community checked in to; otherwise the text stays, as
  ``household_note``.
- **Post**: the free-text post becomes a holding (``commitments.PostHolder``, from the day of
  checking in, until it ended) only when a post of exactly that name exists in the community and
  the member holds no other post of that kind then; otherwise it is dropped.
- **Employer**: for each member, the latest check-in's unit (a resident unit) or employer text is
  copied onto the member record when the record has none. When both have one and they disagree,
  the record is kept unless the check-in is newer: checked in after the record was last
  changed (``checked_in_on`` later than the record's ``updated_at`` day). The same name as text on
  the record and as the check-in's unit is not a disagreement: the record gets the unit. The
  check-in's ``employer_party_org`` text is dropped: it is read from the resident unit now.

One-way: the reverse does nothing.
"""

from collections import defaultdict

from django.db import migrations

HOUSEHOLD = "household"


def _pairings(apps):
    Pairing = apps.get_model("checkin", "Pairing")
    Place = apps.get_model("orgs", "Place")
    names: dict[tuple[int, str], list[int]] = defaultdict(list)
    matched = kept = 0
    for p in Pairing.objects.select_related("checkin").iterator():
        text = (p.household or "").strip()
        key = (p.checkin.community_id, text)
        if key not in names:
            names[key] = list(
                Place.objects.filter(community_id=key[0], kind=HOUSEHOLD, name=text).values_list(
                    "pk", flat=True
                )[:2]
            )
        found = names[key]
        if len(found) == 1:
            p.place_id, p.household_note = found[0], ""
            matched += 1
        else:
            p.place_id, p.household_note = None, text[:100] or "—"
            kept += 1
        p.save(update_fields=["place", "household_note"])
    return matched, kept


def _posts(apps):
    CheckIn = apps.get_model("checkin", "CheckIn")
    Post = apps.get_model("commitments", "Post")
    PostHolder = apps.get_model("commitments", "PostHolder")
    made = dropped = 0
    for c in CheckIn.objects.exclude(post="").order_by("checked_in_on", "pk").iterator():
        post = Post.objects.filter(community_id=c.community_id, name=c.post.strip()).first()
        if post is None:
            dropped += 1
            continue
        held = PostHolder.objects.filter(member_id=c.member_id, post__kind=post.kind)
        held = held.filter(since__lte=c.ended_on) if c.ended_on else held
        if held.filter(until__isnull=True).exists() or held.filter(post=post).exists():
            dropped += 1  # already holds this post, or another of the kind: one at a time
            continue
        PostHolder.objects.create(
            post=post, member_id=c.member_id, since=c.checked_in_on, until=c.ended_on
        )
        made += 1
    return made, dropped


def _same(a: str, b: str) -> bool:
    return "".join((a or "").split()) == "".join((b or "").split())


def _employers(apps):
    CheckIn = apps.get_model("checkin", "CheckIn")
    Member = apps.get_model("members", "Member")
    ResidentUnit = apps.get_model("orgs", "ResidentUnit")
    latest: dict[int, object] = {}
    # the latest check-in of each member: open ones after ended ones, then by date
    for c in CheckIn.objects.order_by("checked_in_on", "pk").iterator():
        if c.ended_on is None or c.member_id not in latest or latest[c.member_id].ended_on:
            latest[c.member_id] = c
    filled = replaced = kept = 0
    for member_id, c in latest.items():
        m = Member.objects.get(pk=member_id)
        unit = ResidentUnit.objects.filter(pk=c.unit_id).first() if c.unit_id else None
        text = (c.employer or "").strip()
        if unit is None and not text:
            continue
        has = m.employer_unit_id or (m.work_unit or "").strip()
        record_name = m.work_unit if not m.employer_unit_id else ""
        if m.employer_unit_id:
            record_name = ResidentUnit.objects.get(pk=m.employer_unit_id).name
        agree = (unit is not None and m.employer_unit_id == unit.pk) or (
            _same(record_name, unit.name if unit is not None else text)
        )
        newer = c.checked_in_on > m.updated_at.date()
        if has and agree and not (unit is not None and not m.employer_unit_id):
            continue
        if has and not agree and not newer:
            kept += 1
            continue
        if unit is not None:
            m.employer_unit_id, m.work_unit = unit.pk, ""
        else:
            m.employer_unit_id, m.work_unit = None, text[:100]
        m.save(update_fields=["employer_unit", "work_unit"])
        if has and not agree:
            replaced += 1
        else:
            filled += 1
    return filled, replaced, kept


def forward(apps, schema_editor):
    _pairings(apps)
    _posts(apps)
    _employers(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("checkin", "0004_pairing_household_place"),
        ("members", "0004_member_employer_unit"),
        ("commitments", "0003_public_board_and_rating_guards"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

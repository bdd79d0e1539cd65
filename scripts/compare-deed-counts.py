"""Compare what members and units did, before and after the deed logs were merged (issue 14).

Usage: python scripts/compare-deed-counts.py OLD.sqlite3 NEW.sqlite3

OLD is a copy of a database before the deeds migrations, NEW the same copy after them. For each
member: the entries of the five old logs (check-in deeds, commitment evidence, duty logs,
volunteer hours, co-building activity participants) against the deeds they took part in; for each
resident unit, co-building activities against deeds. Prints every difference: each must be a
merge of two old entries that described the same event."""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter

OLD_MEMBER_SQL = {
    "check-in deeds": "SELECT c.member_id FROM checkin_deed d JOIN checkin_checkin c ON c.id = d.checkin_id",
    "commitment evidence": "SELECT c.member_id FROM commitments_evidence e JOIN commitments_commitment c ON c.id = e.commitment_id",
    "post duty logs": "SELECT h.member_id FROM commitments_dutylog l JOIN commitments_postholder h ON h.id = l.holder_id",
    "volunteer hours": "SELECT member_id FROM volunteering_hours",
    "co-building participants": "SELECT member_id FROM cobuild_activity_members",
}


def main(old_path: str, new_path: str) -> int:
    old, new = sqlite3.connect(old_path), sqlite3.connect(new_path)
    before: Counter[int] = Counter()
    for label, sql in OLD_MEMBER_SQL.items():
        rows = [r[0] for r in old.execute(sql)]
        print(f"before  {label:28s} {len(rows):6d}")
        before.update(rows)
    after = Counter(r[0] for r in new.execute("SELECT member_id FROM deeds_participant"))
    n_deeds = new.execute("SELECT count(*) FROM deeds_deed").fetchone()[0]
    print(f"before  {'all entries':28s} {sum(before.values()):6d}")
    print(f"after   {'deeds':28s} {n_deeds:6d}")
    print(f"after   {'participations':28s} {sum(after.values()):6d}")
    diff = {m: (before[m], after[m]) for m in set(before) | set(after) if before[m] != after[m]}
    print(f"members whose count changed: {len(diff)} of {len(set(before) | set(after))}")
    for m, (b, a) in sorted(diff.items())[:50]:
        print(f"  member {m}: {b} entries → {a} deeds")
    units_before = Counter(
        r[0] for r in old.execute("SELECT residentunit_id FROM cobuild_activity_units")
    )
    units_after = Counter(r[0] for r in new.execute("SELECT residentunit_id FROM deeds_deed_units"))
    changed = {u for u in set(units_before) | set(units_after) if units_before[u] != units_after[u]}
    print(f"units whose activity count changed: {len(changed)} of {len(units_before)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

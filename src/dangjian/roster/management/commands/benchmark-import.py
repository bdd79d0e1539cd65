"""dangjian benchmark-import [--rows 100000] [--json FILE]: times a roster import with full
validation against the floor — reading the same file with the fastest reader alone.

Builds a synthetic .xlsx (fictitious names and ID numbers) into a throwaway branch of its own,
imports it inside a transaction that is rolled back, and reports rows per second for both — by
the clock and per CPU-second of this process (on a shared machine the clock also counts the
others' work) — and the process's peak memory at the end of the import (the floor is read after
it, so its own copy of the sheet is not counted).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from dangjian.core import idcard
from dangjian.demo import names
from dangjian.orgs.models import OrgKind
from dangjian.orgs.services import org_create
from dangjian.roster import reader, services
from dangjian.roster.columns import detect

HEADERS = [
    "姓名",
    "性别",
    "出生年月",
    "公民身份号码",
    "入党日期",
    "文化程度",
    "手机号",
    "家庭住址",
    "党员类别",
]


def synthetic_roster(rows: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(["基准测试名册"])
    ws.append(HEADERS)
    regions = ("900101", "900102", "910101", "920203")
    rng = random.Random(2026)  # names as rosters have them: common surnames, repeats and all
    for i in range(rows):
        # unique for any size: a birth date per 20,000 rows, then region and sequence number
        day, rest = i % 20_000, i // 20_000
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=day)
        male = i % 2 == 1
        region = regions[rest % 4]
        seq = 100 + 2 * (rest // 4 % 400) + (1 if male else 0)
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        ws.append(
            [
                names.han_name(rng, "M" if male else "F"),
                "男" if male else "女",
                birth.strftime("%Y.%m"),
                first17 + idcard.check_char(first17),
                f"{birth.year + 25}-{1 + i % 12}-1",
                "本科",
                f"139{i:08d}",
                "示例小区",
                "离退休",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Rollback(Exception):
    pass


def _rss_mib() -> int:
    """The process's peak resident memory so far, MiB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class Command(BaseCommand):
    help = "名册导入基准测试：读取文件的时间（下限）与完整校验并导入的时间，行/秒。"

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--json", default="")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        n = opts["rows"]
        # made in a child process: openpyxl's memory would otherwise count in the import's peak
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
            data = pool.submit(synthetic_roster, n).result()
        user = get_user_model().objects.filter(
            is_superuser=True
        ).first() or get_user_model().objects.create_superuser("bench-import", password=None)
        report: dict[str, object] = {"rows": n}
        report["peak_rss_before_import_mib"] = _rss_mib()
        try:
            with transaction.atomic():
                county = org_create(
                    parent=None,
                    acting_user=None,
                    kind=OrgKind.COUNTY,
                    name="基准县",
                    code="BENCH-IMPORT-X",
                )
                street = org_create(
                    parent=county,
                    acting_user=None,
                    kind=OrgKind.STREET,
                    name="基准街道",
                    code="BENCH-IMPORT-S",
                )
                community = org_create(
                    parent=street,
                    acting_user=None,
                    kind=OrgKind.GENERAL_BRANCH,
                    name="基准社区",
                    code="BENCH-IMPORT-C",
                )
                t1, c1 = time.perf_counter(), time.process_time()
                sheet = reader.read(data, "bench.xlsx")
                out = services.import_rows(
                    acting_user=user,
                    org=community,
                    headers=sheet.headers,
                    rows=sheet.rows,
                    mapping=detect(sheet.headers),
                    filename="bench.xlsx",
                    header_row=sheet.header_row,
                    release_rows=True,  # as the background import, where big files go
                )
                import_s = time.perf_counter() - t1
                import_cpu = time.process_time() - c1
                report.update(
                    import_seconds=round(import_s, 3),
                    import_cpu_seconds=round(import_cpu, 3),
                    peak_rss_mib=_rss_mib(),
                    created=out.created,
                    problems=len(out.problems),
                )
                del sheet, out
                raise Rollback
        except Rollback:
            pass
        t0 = time.perf_counter()
        # the floor: calamine alone, no checks; the import above read through reader.read,
        # which first scans the file against the caps (bounds.check_xlsx)
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        read_s = time.perf_counter() - t0
        report["read_seconds"] = round(read_s, 3)
        report["read_rows_per_second"] = round(n / read_s) if read_s else None
        report["import_rows_per_second"] = round(n / import_s) if import_s else None
        report["import_rows_per_cpu_second"] = round(n / import_cpu) if import_cpu else None
        report["ratio_to_floor"] = round(import_s / read_s, 2) if read_s else None
        from django.db import connection

        report["database"] = connection.vendor
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if opts["json"]:
            with open(opts["json"], "w", encoding="utf-8") as fh:
                json.dump(report, fh, ensure_ascii=False, indent=2)

"""出租房屋台帐 and 流动人口台帐 (.xlsx), through ``core.xlsx``. ID numbers are masked unless the
user asked for full numbers (the view logs that as a reveal); rows are read in chunks."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.xlsx import write_table
from dangjian.orgs.models import Organisation, Place

from . import selectors, services


def _title(what: str, org: Organisation | None, area: Place | None, start: Any, end: Any) -> str:
    where = " ".join(x.name for x in (org, area) if x is not None)
    return _("%(w)s%(t)s（%(s)s 至 %(e)s）") % {
        "w": f"{where} " if where else "",
        "t": what,
        "s": start.isoformat(),
        "e": end.isoformat(),
    }


def dwellings_ledger(
    *,
    user: Any,
    org: Organisation | None,
    area: Place | None,
    start: dt.date,
    end: dt.date,
) -> tuple[IO[bytes], int]:
    qs = selectors.dwellings(user=user, org=org, area=area, end=end)
    return write_table(
        sheet=_("出租房屋台帐"),
        title=_title(_("出租房屋台帐"), org, area, start, end),
        columns=[
            (_("社区"), 20),
            (_("网格/楼栋/单元"), 26),
            (_("房屋（户）"), 22),
            (_("地址"), 30),
            (_("房东姓名"), 10),
            (_("房东电话"), 14),
            (_("出租起始日期"), 12),
            (_("向警务室登记日期"), 14),
            (_("现住人数"), 8),
            (_("备注"), 30),
        ],
        rows=(
            [
                d.household.community.name,
                selectors.area_label(d.household),
                d.household.name,
                d.household.address,
                d.landlord_name,
                d.landlord_phone,
                d.rented_since,
                d.police_registered_on,
                d.living,
                d.note,
            ]
            for d in qs.iterator(chunk_size=500)
        ),
    )


def tenants_ledger(
    *,
    user: Any,
    org: Organisation | None,
    area: Place | None,
    start: dt.date,
    end: dt.date,
    full_ids: bool = False,
) -> tuple[IO[bytes], int]:
    today = timezone.localdate()
    days = selectors.reminder_days(org)
    qs = selectors.tenants(
        user=user, org=org, area=area, state="all", start=start, end=end, today=today, days=days
    )
    return write_table(
        sheet=_("流动人口台帐"),
        title=_title(_("流动人口台帐"), org, area, start, end),
        columns=[
            (_("社区"), 20),
            (_("房屋（户）"), 22),
            (_("房东姓名"), 10),
            (_("姓名"), 10),
            (_("身份证号"), 21),
            (_("联系电话"), 14),
            (_("户籍地"), 20),
            (_("入住日期"), 12),
            (_("搬离日期"), 12),
            (_("居住证号"), 18),
            (_("居住证有效期至"), 14),
            (_("提醒"), 12),
        ],
        rows=(
            [
                t.dwelling.household.community.name,
                t.dwelling.household.name,
                t.dwelling.landlord_name,
                t.name,
                services.full_id(t) if full_ids else t.id_masked,
                t.phone,
                t.origin,
                t.move_in,
                t.move_out,
                t.permit_number,
                t.permit_expires,
                (_("居住证已过期") if t.permit_expires < today else _("即将到期"))
                if t.expiring
                else "",
            ]
            for t in qs.iterator(chunk_size=500)
        ),
    )

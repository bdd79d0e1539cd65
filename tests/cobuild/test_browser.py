"""In a real browser: a secretary records an activity with two units and photos, then ticks it
and generates the briefing; the .docx opens and says what happened."""

from __future__ import annotations

import io

import pytest
from docx import Document

from ..conftest import login
from .factories import unit
from .images import png

pytestmark = pytest.mark.browser


def test_a_secretary_records_an_activity_and_makes_the_briefing(
    cast, live_server, page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    school, hospital = unit(cast, "甲社区实验小学"), unit(cast, "甲社区医院")
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/cobuild/activities/?org={cast.comm_a.pk}")
    page.click("#new-activity")
    page.select_option("#id_kind", "service")
    page.fill("#id_title", "义诊进社区")
    page.fill("#id_date", "2026-05-01")
    page.check(f"input[name=units][value='{school.pk}']")
    page.check(f"input[name=units][value='{hospital.pk}']")
    page.fill("#id_beneficiaries", "120")
    page.fill("#id_summary", "两家单位为居民免费体检。")
    page.set_input_files(
        "#id_photos",
        [
            {"name": "a.png", "mimeType": "image/png", "buffer": png()},
            {"name": "b.png", "mimeType": "image/png", "buffer": png(rgb=(0, 90, 200))},
        ],
    )
    page.click("button[type=submit]")
    assert "已登记活动：义诊进社区" in page.content()
    assert page.locator("#photos img").count() == 2

    page.goto(f"{live_server.url}/cobuild/activities/?org={cast.comm_a.pk}")
    page.check("input[name=activity]")
    page.fill("input[name=issue_no]", "5")
    with page.expect_download() as dl:
        page.click("#make-briefing")
    doc = Document(io.BytesIO(open(dl.value.path(), "rb").read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "第 5 期" in text and "义诊进社区" in text
    assert (
        "5月1日，甲社区医院、甲社区实验小学在社区开展服务联办活动。两家单位为居民免费体检。" in text
    )
    assert len(doc.inline_shapes) == 2

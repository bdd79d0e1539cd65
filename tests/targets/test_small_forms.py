"""The small forms on a letter's page (add a target, record progress on one): a mistake brings
the same page back (400) with the message beside the field, on its row, and what was typed
kept; nothing is saved."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.targets.models import ProgressNote

from .conftest import TODAY, draft, sign


def _page(r) -> str:
    return html.unescape(r.content.decode())


def test_a_target_without_text_comes_back_beside_the_field(cast, client_for):
    letter = draft(cast)
    n = letter.targets.count()
    r = client_for(cast.street_sec).post(
        reverse("targets:target_add", args=[letter.pk]),
        {"version": letter.version, "text": "", "target_percent": "八十"},
    )
    assert r.status_code == 400
    form = _page(r).split('id="target-add"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split('id="field-text"')[1].split('id="field-')[0]
    assert 'value="八十"' in form
    assert letter.targets.count() == n


def test_a_progress_note_without_text_keeps_its_date_on_its_row(cast, client_for, secretary):
    letter = sign(cast, draft(cast), secretary)
    target = letter.targets.first()
    r = client_for(cast.comm_a_sec).post(
        reverse("targets:note_add", args=[target.pk]), {"day": TODAY.isoformat(), "text": ""}
    )
    assert r.status_code == 400
    form = _page(r).split(f'id="note-{target.pk}"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split(f'id="note-{target.pk}-text"')[1]
    assert f'value="{TODAY.isoformat()}"' in form
    assert not ProgressNote.objects.exists()

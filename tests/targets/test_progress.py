"""Progress through the year: a linked target's figure is the assessment indicator's own
(``measure_one``) — percent, numerator and denominator — held against the target value
(已达到 / 未达到 / 无数据); an unlinked one shows the team's judgement and its notes; the list's
“met X of Y”; and the .docx of the letter, read back."""

from __future__ import annotations

import io

import pytest
from docx import Document

from dangjian.assessment.scoring import measure_one
from dangjian.targets import selectors, services
from dangjian.targets.selectors import MET, NO_DATA, NOT_MET, PENDING

from .conftest import TODAY, YEAR, draft, keys_by_data, sign


def _add(cast, letter, **kw):
    letter.refresh_from_db()
    return services.target_add(letter, acting_user=cast.street_sec, version=letter.version, **kw)


def test_a_linked_targets_figure_is_the_indicators_own(cast, secretary):
    with_data, _without = keys_by_data(cast.comm_a)
    if not with_data:
        pytest.skip("no indicator has records in the cast yet")
    key = with_data[0]
    letter = draft(cast, with_defaults=False)
    _add(cast, letter, text="达到零", indicator=key, target_percent="0")
    _add(cast, letter, text="按达标线", indicator=key)
    letter = sign(cast, letter, secretary)
    rows = selectors.progress(letter)
    line = measure_one(cast.comm_a, YEAR, key)
    for r in rows:
        assert r.percent == line.percent
        assert (r.numerator, r.denominator) == (line.measure.numerator, line.measure.denominator)
        assert r.state == (MET if r.percent >= r.goal else NOT_MET)
    assert rows[0].state == MET  # anything measured reaches 0 %
    assert rows[1].goal == (line.target * 100).quantize(rows[1].goal)


def test_a_linked_target_with_nothing_to_count_has_no_data(cast):
    _with, without = keys_by_data(cast.comm_a)
    if not without:
        pytest.skip("every indicator has records in the cast")
    letter = draft(cast, with_defaults=False)
    _add(cast, letter, text="无数据", indicator=without[0], target_percent="90")
    (row,) = selectors.progress(letter)
    assert (row.state, row.percent, row.state_label) == (NO_DATA, None, "无数据")


def test_an_unlinked_target_shows_its_judgement_and_notes(cast, secretary):
    letter = draft(cast, with_defaults=False)
    t = _add(cast, letter, text="打造红色物业")
    letter = sign(cast, letter, secretary)
    services.note_add(t, acting_user=cast.comm_a_sec, day=TODAY, text="已签约物业")
    (row,) = selectors.progress(letter)
    assert row.state == PENDING and [n.text for n in row.notes] == ["已签约物业"]
    services.target_judge(t, acting_user=cast.street_sec, version=t.version, judgement="met")
    (row,) = selectors.progress(letter)
    assert row.state == MET
    assert selectors.met_of([row]) == (1, 1)


def test_the_docx_reads_back_with_parties_targets_and_signatures(cast, secretary):
    from dangjian.targets.documents import write_letter

    letter = draft(cast)
    free = _add(cast, letter, text="打造红色物业")
    letter.refresh_from_db()
    doc = Document(io.BytesIO(write_letter(letter).read()))
    assert doc.paragraphs[0].text == f"{YEAR}年度党建工作目标责任书（草稿）"
    letter = sign(cast, letter, secretary)
    doc = Document(io.BytesIO(write_letter(letter).read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == f"{YEAR}年度党建工作目标责任书"
    assert "东城街道党工委" in text and "文化东路社区党委" in text
    targets, signature = doc.tables
    rows = [[c.text for c in r.cells] for r in targets.rows]
    assert rows[0] == ["序号", "目标内容", "目标值"]
    expected = list(letter.targets.order_by("order"))
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(expected) + 1)]
    assert [r[1] for r in rows[1:]] == [t.text for t in expected]
    for r, t in zip(rows[1:], expected, strict=True):
        assert r[2] == (f"{t.target_percent:.1f}%" if t.indicator else "由考核组评定")
    assert rows[-1][1] == free.text
    sig = "\n".join(c.text for r in signature.rows for c in r.cells)
    assert "司徒主任" in sig and "欧阳书记" in sig
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in sig

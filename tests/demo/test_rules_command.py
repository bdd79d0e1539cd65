"""``dangjian rules``: the table a person reads, and the JSON a machine reads."""

import json
from io import StringIO

from django.core.management import call_command

from dangjian.core import rules


def _run(*args: str) -> str:
    out = StringIO()
    call_command("rules", *args, stdout=out)
    return out.getvalue()


def test_it_prints_every_rule_with_its_number_source_and_chinese_explanation():
    text = _run()
    assert f"规则表（共 {len(rules.RULES)} 条）" in text
    for rule in rules.RULES:
        assert rule.id in text
        assert rule.title in text
        assert rule.explain in text
    assert "【组织体系】" in text
    assert "min=3（名正式党员）" in text
    assert "依据：" in text


def test_it_prints_json_that_machines_can_read():
    data = json.loads(_run("--json"))
    assert [row["id"] for row in data] == [r.id for r in rules.RULES]
    first = data[0]
    assert set(first) >= {"id", "title", "values", "unit", "source", "explain", "enforcement"}
    by_id = {row["id"]: row for row in data}
    assert by_id["org.branch_min_full_members"]["values"] == {"min": 3}


def test_it_shows_the_numbers_a_locality_configured(settings, tmp_path):
    overrides = tmp_path / "rules.json"
    overrides.write_text(
        json.dumps({"default": {"grid.residents_per_cadre": {"max_residents": 400}}}),
        encoding="utf-8",
    )
    settings.DANGJIAN_RULES_FILE = str(overrides)
    rules.reset_cache()
    try:
        by_id = {row["id"]: row for row in json.loads(_run("--json"))}
        assert by_id["grid.residents_per_cadre"]["values"]["max_residents"] == 400
        assert "max_residents=400" in _run()
    finally:
        settings.DANGJIAN_RULES_FILE = ""
        rules.reset_cache()

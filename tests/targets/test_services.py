"""Target letters' writes: drafting with the default targets (from the rules, per locality),
one live letter per community and year, who may draft, the targets while a draft, signing (the
secretary in office that day, picked from the office records), edits refused after signing,
voiding with a reason, the assessment team's judgement, progress notes by either side, and the
version check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.assessment.scoring import Numbers
from dangjian.core import rules
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from dangjian.targets import services
from dangjian.targets.models import Letter, ProgressNote, Side, Status, Target

from .conftest import TODAY, YEAR, draft, sign


def test_a_draft_is_prefilled_with_the_weighted_indicators_and_their_rule_targets(cast):
    letter = draft(cast)
    numbers = Numbers.for_org(cast.comm_a)
    expected = {k for k, w in numbers.weights.items() if w and w > 0}
    targets = list(letter.targets.order_by("order"))
    assert {t.indicator for t in targets} == expected
    assert [t.order for t in targets] == list(range(1, len(targets) + 1))
    for t in targets:
        assert t.target_percent == (numbers.target(t.indicator) * 100).quantize(Decimal("0.1"))
        assert t.text
    assert letter.status == Status.DRAFT and letter.issuer == cast.street_a
    assert letter.issuer_signatory == "司徒主任"
    assert AuditEntry.objects.filter(object_id=str(letter.pk), action="create").exists()


def test_a_localitys_weights_and_targets_change_the_default_targets(cast, settings):
    settings.DANGJIAN_RULES = {
        "default": {
            "assess.weights": {"mech.funds": 0, "inspect.members": 1},
            "assess.targets": {"mech.cadence": 0.8},
        }
    }
    rules.reset_cache()
    try:
        targets = {t.indicator: t for t in draft(cast).targets.all()}
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()
    assert "mech.funds" not in targets and "inspect.members" in targets
    assert targets["mech.cadence"].target_percent == Decimal("80.0")


def test_a_letter_can_be_drafted_without_the_defaults(cast):
    assert not draft(cast, with_defaults=False).targets.exists()


def test_only_the_street_above_may_draft_and_never_for_another_street(cast):
    with pytest.raises(PermissionDenied):
        draft(cast, user=cast.comm_a_sec)
    with pytest.raises(PermissionDenied):
        draft(cast, user=cast.comm_b_sec, community=cast.comm_b)
    with pytest.raises(PermissionDenied):
        draft(cast, user=cast.street_sec, community=cast.comm_b)
    with pytest.raises(PermissionDenied):
        draft(cast, user=cast.street_sec, issuer=cast.county)
    with pytest.raises(ValidationError):
        draft(cast, community=cast.branch_a)
    assert not Letter.objects.exists()


def test_one_live_letter_per_community_and_year_until_it_is_voided(cast):
    first = draft(cast)
    with pytest.raises(ValidationError, match="已有目标责任书"):
        draft(cast)
    assert draft(cast, year=YEAR + 1).year == YEAR + 1
    services.letter_void(
        first, acting_user=cast.street_sec, version=first.version, reason="重新起草"
    )
    assert draft(cast).status == Status.DRAFT
    with pytest.raises(ValidationError):
        draft(cast, year=YEAR - 2)


def test_the_issuer_adds_changes_and_removes_targets_while_a_draft(cast):
    letter = draft(cast, with_defaults=False)
    a = services.target_add(
        letter, acting_user=cast.street_sec, version=letter.version, text="建成党群服务中心"
    )
    letter.refresh_from_db()
    b = services.target_add(
        letter,
        acting_user=cast.street_sec,
        version=letter.version,
        text="“三会一课”按时召开",
        indicator="mech.cadence",
        target_percent="90",
    )
    assert (a.order, b.order, b.target_percent) == (1, 2, Decimal("90.0"))
    letter.refresh_from_db()
    services.target_update(
        a, acting_user=cast.street_sec, version=letter.version, text="建成党群服务中心（200㎡）"
    )
    letter.refresh_from_db()
    services.target_remove(a, acting_user=cast.street_sec, version=letter.version)
    assert list(letter.targets.values_list("order", "text")) == [(1, "“三会一课”按时召开")]


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"text": ""}, "text"),
        ({"text": "x", "indicator": "no.such"}, "indicator"),
        ({"text": "x", "indicator": "mech.cadence", "target_percent": "101"}, "target_percent"),
        ({"text": "x", "indicator": "mech.cadence", "target_percent": "abc"}, "target_percent"),
        ({"text": "x", "target_percent": "50"}, "target_percent"),
    ],
)
def test_bad_targets_are_refused_with_a_message_on_the_field(cast, kw, field):
    letter = draft(cast, with_defaults=False)
    with pytest.raises(ValidationError) as exc:
        services.target_add(letter, acting_user=cast.street_sec, version=letter.version, **kw)
    assert field in exc.value.error_dict
    assert not letter.targets.exists()


def test_create_sign_and_then_every_edit_is_refused(cast, secretary):
    letter = draft(cast)
    letter = sign(cast, letter, secretary)
    assert letter.status == Status.SIGNED and letter.signed_on == TODAY
    assert letter.signer_name == "欧阳书记" and letter.signer_office == secretary
    target = letter.targets.first()
    before = list(letter.targets.values_list("pk", "text", "indicator", "target_percent"))
    with pytest.raises(ValidationError, match="已签订"):
        services.target_add(
            letter, acting_user=cast.street_sec, version=letter.version, text="新目标"
        )
    with pytest.raises(ValidationError, match="已签订"):
        services.target_update(
            target, acting_user=cast.street_sec, version=letter.version, text="改过的目标"
        )
    with pytest.raises(ValidationError, match="已签订"):
        services.target_remove(target, acting_user=cast.street_sec, version=letter.version)
    with pytest.raises(ValidationError, match="已签订"):
        services.letter_update(
            letter, acting_user=cast.street_sec, version=letter.version, issuer_signatory="别人"
        )
    with pytest.raises(ValidationError, match="只有草稿"):
        sign(cast, letter, secretary)
    assert list(letter.targets.values_list("pk", "text", "indicator", "target_percent")) == before


def test_only_the_secretary_in_office_on_the_day_signs(cast, secretary):
    letter = draft(cast)
    deputy = office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.DEPUTY,
        holder_name="副书记甲",
        term_start=dt.date(2024, 1, 1),
    )
    other = office_create(
        acting_user=None,
        org=cast.comm_b,
        title=Office.Title.SECRETARY,
        holder_name="乙书记",
        term_start=dt.date(2024, 1, 1),
    )
    later = office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="新书记",
        term_start=TODAY,
    )
    for office in (deputy, other, None):
        with pytest.raises(ValidationError) as exc:
            sign(cast, letter, office)
        assert "signer_office" in exc.value.error_dict
    if TODAY > dt.date(YEAR, 1, 1):  # the new secretary was not yet in office the day before
        with pytest.raises(ValidationError):
            sign(cast, letter, later, on=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        sign(cast, letter, secretary, on=TODAY + dt.timedelta(days=1))
    letter.refresh_from_db()
    assert letter.status == Status.DRAFT
    assert sign(cast, letter, later).signer_name == "新书记"


def test_a_secretary_who_left_before_the_day_cannot_sign(cast):
    gone = office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="前任书记",
        term_start=dt.date(2020, 1, 1),
        left_on=dt.date(YEAR - 1, 6, 1),
    )
    letter = draft(cast)
    with pytest.raises(ValidationError, match="不是"):
        sign(cast, letter, gone)


def test_an_empty_letter_cannot_be_signed(cast, secretary):
    letter = draft(cast, with_defaults=False)
    with pytest.raises(ValidationError, match="还没有目标"):
        sign(cast, letter, secretary)


def test_the_community_cannot_sign_or_change_its_own_letter(cast, secretary):
    letter = draft(cast)
    with pytest.raises(PermissionDenied):
        sign(cast, letter, secretary, user=cast.comm_a_sec)
    with pytest.raises(PermissionDenied):
        services.target_add(letter, acting_user=cast.comm_a_sec, version=letter.version, text="x")
    with pytest.raises(PermissionDenied):
        services.letter_void(
            letter, acting_user=cast.comm_a_sec, version=letter.version, reason="x"
        )
    assert Letter.objects.changeable_by(cast.comm_a_sec).count() == 0
    assert Letter.objects.visible_to(cast.comm_a_sec).count() == 1
    assert Letter.objects.visible_to(cast.comm_b_sec).count() == 0


def test_a_stale_version_is_refused_and_nothing_changes(cast, secretary):
    letter = draft(cast)
    seen = letter.version
    services.target_add(letter, acting_user=cast.street_sec, version=seen, text="另一个人加的目标")
    with pytest.raises(ConflictError):
        services.letter_sign(
            letter,
            acting_user=cast.street_sec,
            version=seen,
            signer_office=secretary,
            signed_on=TODAY,
        )
    with pytest.raises(ConflictError):
        services.target_add(letter, acting_user=cast.street_sec, version=seen, text="又一个")
    with pytest.raises(ConflictError):
        services.letter_void(letter, acting_user=cast.street_sec, version=seen, reason="x")
    letter.refresh_from_db()
    assert letter.status == Status.DRAFT
    assert not letter.targets.filter(text="又一个").exists()


def test_voiding_needs_a_reason_and_is_audited(cast, secretary):
    letter = sign(cast, draft(cast), secretary)
    with pytest.raises(ValidationError, match="作废理由"):
        services.letter_void(
            letter, acting_user=cast.street_sec, version=letter.version, reason=" "
        )
    letter = services.letter_void(
        letter, acting_user=cast.street_sec, version=letter.version, reason="书记调整，重新签订"
    )
    assert (letter.status, letter.voided_on, letter.void_reason) == (
        Status.VOIDED,
        TODAY,
        "书记调整，重新签订",
    )
    entry = AuditEntry.objects.filter(object_id=str(letter.pk), action="update").first()
    assert entry.changes["status"]["after"] == "voided"
    with pytest.raises(ValidationError, match="已作废"):
        services.letter_void(
            letter, acting_user=cast.street_sec, version=letter.version, reason="x"
        )


def test_either_side_notes_progress_on_a_signed_letter(cast, secretary):
    letter = draft(cast)
    free = services.target_add(
        letter, acting_user=cast.street_sec, version=letter.version, text="打造红色物业"
    )
    letter.refresh_from_db()
    with pytest.raises(ValidationError, match="签订后"):
        services.note_add(free, acting_user=cast.comm_a_sec, day=TODAY, text="太早了")
    sign(cast, letter, secretary)
    n1 = services.note_add(
        free, acting_user=cast.comm_a_sec, day=TODAY, text="已与物业公司签订协议"
    )
    n2 = services.note_add(free, acting_user=cast.street_sec, day=TODAY, text="街道实地查看")
    assert (n1.side, n2.side) == (Side.COMMUNITY, Side.ISSUER)
    for who in (cast.comm_b_sec, cast.branch_sec, cast.member_user):
        with pytest.raises(PermissionDenied):
            services.note_add(free, acting_user=who, day=TODAY, text="渗透")
    with pytest.raises(ValidationError):
        services.note_add(
            free, acting_user=cast.comm_a_sec, day=TODAY + dt.timedelta(days=1), text="未来"
        )
    assert ProgressNote.objects.count() == 2
    assert AuditEntry.objects.filter(object_id=str(n1.pk), action="create").exists()


def test_the_issuer_judges_an_unlinked_target_once_signed(cast, secretary):
    letter = draft(cast)
    free = services.target_add(
        letter, acting_user=cast.street_sec, version=letter.version, text="打造红色物业"
    )
    linked = letter.targets.exclude(indicator="").first()
    letter.refresh_from_db()
    with pytest.raises(ValidationError, match="签订后"):
        services.target_judge(
            free, acting_user=cast.street_sec, version=free.version, judgement="met"
        )
    sign(cast, letter, secretary)
    with pytest.raises(PermissionDenied):
        services.target_judge(
            free, acting_user=cast.comm_a_sec, version=free.version, judgement="met"
        )
    with pytest.raises(ValidationError, match="自动计算"):
        services.target_judge(
            linked, acting_user=cast.street_sec, version=linked.version, judgement="met"
        )
    free = services.target_judge(
        free, acting_user=cast.street_sec, version=free.version, judgement="met"
    )
    assert (free.judgement, free.judged_on) == ("met", TODAY)
    with pytest.raises(ConflictError):
        services.target_judge(free, acting_user=cast.street_sec, version=1, judgement="not_met")
    assert Target.objects.get(pk=free.pk).judgement == "met"

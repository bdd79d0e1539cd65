"""The “登记一件还没登记过的事” form on a commitment's page: a mistake brings the same page back
(400) with the message beside the field and what was typed kept; nothing is saved."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.commitments.models import State
from dangjian.deeds.models import Deed

from .factories import draft, put_in


def test_a_bad_evidence_comes_back_beside_the_field_with_the_text_kept(cast, client_for):
    c = put_in(draft(cast), State.PUBLISHED)
    r = client_for(cast.branch_sec).post(
        reverse("commitments:evidence", args=[c.pk]),
        {"date": "2026年13月40日", "text": "代买药品 2 次"},
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    form = page.split('id="evidence-record"')[1].split("</form>")[0]
    date_field = form.split('id="field-date"')[1].split('id="field-')[0]
    assert "请按“年-月-日”填写日期" in date_field
    assert "代买药品 2 次</textarea>" in form
    assert not c.deeds.exists() and not Deed.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_form(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    r = client_for(cast.member_user).post(
        reverse("commitments:evidence", args=[c.pk]), {"date": "2026-06-01", "text": "清理楼道"}
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="evidence-record"')[1].split("</form>")[0]
    assert "公开示诺后、评诺之前" in form and "清理楼道</textarea>" in form
    assert not Deed.objects.exists()


def test_a_void_of_a_burst_without_a_reason_comes_back_on_that_burst(cast, client_for):
    import datetime as dt

    from django.utils import timezone

    from dangjian.commitments.models import Commitment, Rating

    c = put_in(draft(cast), State.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(year=timezone.localdate().year)
    start = timezone.now() - dt.timedelta(hours=2)
    ids = []
    for i in range(5):
        r = Rating.objects.create(
            commitment=c, tier="resident", score=100, resident_key=f"k{i}", resident_addr=f"a{i}"
        )
        Rating.objects.filter(pk=r.pk).update(at=start + dt.timedelta(minutes=i))
        ids.append(r.pk)
    r = client_for(cast.comm_a_sec).post(
        reverse("commitments:board_void", args=[cast.comm_a.pk]),
        {"rating": ids, "reason": "", "year": timezone.localdate().year},
    )
    assert r.status_code == 400
    burst = html.unescape(r.content.decode()).split('id="burst-c-1"')[1].split("</form>")[0]
    assert "请写明作废原因。" in burst.split('id="reason-field-c-1"')[1]
    assert not Rating.objects.filter(voided_at__isnull=False).exists()


# ---- the step forms (议诺、退回) and the rating forms ------------------------------------------


def _counts():
    from dangjian.commitments.models import Rating, Step
    from dangjian.core.models import AuditEntry

    return Step.objects.count(), Rating.objects.count(), AuditEntry.objects.count()


def _form(r, form_id: str) -> str:
    return html.unescape(r.content.decode()).split(f'id="{form_id}"')[1].split("</form>")[0]


def test_a_return_without_a_reason_is_told_beside_the_reason(cast, client_for):
    c = put_in(draft(cast), State.APPLIED)
    before = _counts()
    r = client_for(cast.branch_sec).post(
        reverse("commitments:step", args=[c.pk, "return_from_deliberation"]),
        {"version": c.version, "reason": "   "},
    )
    assert r.status_code == 400
    form = _form(r, "step-form-return_from_deliberation")
    reason = form.split('id="step-return_from_deliberation-reason"')[1].split("</div>")[0]
    assert "退回时请写明原因，便于党员修改。" in reason and "is-invalid" in reason
    c.refresh_from_db()
    assert c.state == State.APPLIED and _counts() == before


def test_a_deliberation_without_a_meeting_is_told_beside_the_meeting(cast, client_for):
    c = put_in(draft(cast), State.APPLIED)
    before = _counts()
    r = client_for(cast.branch_sec).post(
        reverse("commitments:step", args=[c.pk, "deliberate"]),
        {"version": c.version, "meeting": ""},
    )
    assert r.status_code == 400
    form = _form(r, "step-form-deliberate")
    meeting = form.split('id="step-deliberate-meeting"')[1].split("</div>")[0]
    assert "集体议诺须在支部会议上进行，请选择议诺的会议。" in meeting
    c.refresh_from_db()
    assert c.state == State.APPLIED and _counts() == before


def test_a_return_on_a_stale_page_keeps_the_reason_typed_and_says_to_reload(cast, client_for):
    from django.db.models import F

    from dangjian.commitments.models import Commitment

    c = put_in(draft(cast), State.APPLIED)
    stale = c.version
    Commitment.objects.filter(pk=c.pk).update(version=F("version") + 1)  # someone saved it
    before = _counts()
    r = client_for(cast.branch_sec).post(
        reverse("commitments:step", args=[c.pk, "return_from_deliberation"]),
        {"version": stale, "reason": "措施太笼统，请写明每月几次"},
    )
    assert r.status_code == 400
    form = _form(r, "step-form-return_from_deliberation")
    assert "刷新页面" in form and 'value="措施太笼统，请写明每月几次"' in form
    assert f'name="version" value="{stale + 1}"' in form  # the page is the current one again
    assert Commitment.objects.get(pk=c.pk).state == State.APPLIED and _counts() == before


def test_a_refused_step_that_is_no_longer_offered_is_told_above_the_steps(cast, client_for):
    c = put_in(draft(cast), State.DRAFT)
    before = _counts()
    r = client_for(cast.branch_sec).post(
        reverse("commitments:step", args=[c.pk, "return_from_deliberation"]),
        {"version": c.version, "reason": "不同意"},
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    alert = page.split('id="step-refused"')[1].split("</div>")[0]
    assert "不能进行“议诺退回修改”" in alert
    assert _counts() == before


def test_a_good_return_still_goes_back_to_the_draft(cast, client_for):
    c = put_in(draft(cast), State.APPLIED)
    r = client_for(cast.branch_sec).post(
        reverse("commitments:step", args=[c.pk, "return_from_deliberation"]),
        {"version": c.version, "reason": "措施太笼统"},
    )
    assert r.status_code == 302 and r.url == reverse("commitments:detail", args=[c.pk])
    c.refresh_from_db()
    assert (c.state, c.return_reason) == (State.DRAFT, "措施太笼统")


def test_a_score_above_100_is_told_beside_the_score_with_the_comment_kept(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    before = _counts()
    r = client_for(cast.branch_sec).post(
        reverse("commitments:rate", args=[c.pk, "org"]), {"score": "120", "comment": "很好"}
    )
    assert r.status_code == 400
    form = _form(r, "rate-org")
    score = form.split('id="rate-org-score"')[1].split("</div>")[0]
    assert "不能大于 100。" in score and 'value="120"' in score
    assert 'value="很好"' in form
    assert _counts() == before


def test_a_second_rating_is_refused_above_the_steps_and_nothing_is_written(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    branch = client_for(cast.branch_sec)
    assert (
        branch.post(reverse("commitments:rate", args=[c.pk, "org"]), {"score": "86"}).status_code
        == 302
    )
    before = _counts()
    r = branch.post(reverse("commitments:rate", args=[c.pk, "org"]), {"score": "90"})
    assert r.status_code == 400
    alert = html.unescape(r.content.decode()).split('id="rate-refused"')[1].split("</div>")[0]
    assert "只能评价一次" in alert
    assert _counts() == before


def test_a_good_rating_is_saved_as_before(cast, client_for):
    from dangjian.commitments.models import Rating

    c = put_in(draft(cast), State.EVALUATING)
    r = client_for(cast.branch_sec).post(
        reverse("commitments:rate", args=[c.pk, "org"]), {"score": "86", "comment": "按时践诺"}
    )
    assert r.status_code == 302
    assert Rating.objects.get(commitment=c).score == 86


def test_another_community_still_gets_404_for_the_step_and_the_rating(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    before = _counts()
    other = client_for(cast.comm_b_sec)
    step = other.post(reverse("commitments:step", args=[c.pk, "conclude"]), {"version": c.version})
    rate = other.post(reverse("commitments:rate", args=[c.pk, "org"]), {"score": "120"})
    assert (step.status_code, rate.status_code) == (404, 404)
    assert _counts() == before

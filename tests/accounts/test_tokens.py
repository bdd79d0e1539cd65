"""API tokens: issued by the user (shown once) or by an administrator on the server, hashed at
rest, scoped like the user, revocable at once; browser sessions need CSRF for writes."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, Grant
from dangjian.core.models import AuditEntry

from .clients import login_through_page


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_user_issues_a_token_and_sees_it_exactly_once(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post("/accounts/tokens/", {"name": "街道统计系统"})
    assert r.status_code == 302
    page = c.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=cast.comm_a_sec)
    start = page.index('id="new-token-key">') + len('id="new-token-key">')
    key = page[start : page.index("<", start)]
    assert key.startswith("dj_") and token.key_hash == ApiToken.hash(key)
    assert key not in token.key_hash and token.prefix == key[3:11]
    again = c.get("/accounts/tokens/").content.decode()
    assert key not in again and "街道统计系统" in again
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, content_type__model="apitoken")
    assert entry.actor == cast.comm_a_sec
    assert entry.changes["key_hash"]["after"] == "***(已修改)"  # the hash is not in the audit


def test_a_token_needs_a_name(cast, client_for):
    r = client_for(cast.comm_a_sec).post("/accounts/tokens/", {"name": "  "})
    assert r.status_code == 200 and "请填写令牌用途" in r.content.decode()
    assert not ApiToken.objects.exists()


def test_a_bearer_token_reaches_the_api_with_the_users_scope(cast):
    _t, key = services.token_issue(user=cast.comm_a_sec, name="x", acting_user=None)
    r = Client().get("/api/v1/members/", **_bearer(key))
    assert [m["id"] for m in r.json()["items"]] == [cast.member_a.pk]
    assert Client().get(f"/api/v1/members/{cast.member_b.pk}", **_bearer(key)).status_code == 404
    token = ApiToken.objects.get()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(cast, client_for):
    token, key = services.token_issue(user=cast.comm_a_sec, name="x", acting_user=None)
    c = client_for(cast.comm_a_sec)
    r = c.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 401
    assert "已撤销" in c.get("/accounts/tokens/").content.decode()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE, object_id=str(token.pk), changes__revoked__after=True
    ).exists()


def test_a_wrong_token_or_no_token_is_refused(cast):
    assert Client().get("/api/v1/members/", **_bearer("dj_guess")).status_code == 401
    assert Client().get("/api/v1/members/").status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(cast):
    _t, key = services.token_issue(user=cast.comm_a_sec, name="x", acting_user=None)
    cast.comm_a_sec.is_active = False
    cast.comm_a_sec.save()
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 401


def test_a_locked_account_s_token_is_refused_until_the_lock_lifts(cast):
    from axes.models import AccessAttempt

    _t, key = services.token_issue(user=cast.comm_a_sec, name="x", acting_user=None)
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 200
    browser = Client(REMOTE_ADDR="10.0.0.9")  # the guessing comes from another machine
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login_through_page(browser, "comm_a_sec", "wrong")
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 200  # not yet locked
    assert login_through_page(browser, "comm_a_sec", "wrong").status_code == 429
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 401
    other_key = services.token_issue(user=cast.comm_b_sec, name="y", acting_user=None)[1]
    assert Client().get("/api/v1/members/", **_bearer(other_key)).status_code == 200

    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 200


def test_revoking_a_role_ends_the_users_tokens_with_an_audit_entry(cast, client_for):
    token, key = services.token_issue(user=cast.branch_sec, name="x", acting_user=None)
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 200
    grant = Grant.objects.get(user=cast.branch_sec)
    r = client_for(cast.admin).post(f"/accounts/roles/{grant.pk}/revoke/")
    assert r.status_code == 302 and not Grant.objects.filter(pk=grant.pk).exists()
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 401
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE, object_id=str(token.pk), changes__revoked__after=True
    ).exists()


def test_a_user_deactivated_after_issuing_gets_401_on_reads_and_writes(cast):
    _t, key = services.token_issue(user=cast.comm_a_sec, name="x", acting_user=None)
    cast.comm_a_sec.is_active = False
    cast.comm_a_sec.save()
    c = Client(enforce_csrf_checks=True)
    assert c.get(f"/api/v1/members/{cast.member_a.pk}", **_bearer(key)).status_code == 401
    r = c.post(
        f"/api/v1/members/{cast.member_a.pk}/events",
        data={"kind": "note"},
        content_type="application/json",
        **_bearer(key),
    )
    assert r.status_code in (401, 403)  # refused: the token is dead, and there is no session


def test_nobody_revokes_or_sees_another_users_token(cast, client_for):
    token, key = services.token_issue(user=cast.comm_a_sec, name="甲的系统", acting_user=None)
    other = client_for(cast.comm_b_sec)
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert "甲的系统" not in other.get("/accounts/tokens/").content.decode()
    assert Client().get("/api/v1/members/", **_bearer(key)).status_code == 200


def test_revoking_needs_a_post(cast, client_for):
    token, _key = services.token_issue(user=cast.comm_a_sec, name="x", acting_user=None)
    assert (
        client_for(cast.comm_a_sec).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    )


def test_the_command_prints_the_key_once_for_scripts(cast):
    out, err = StringIO(), StringIO()
    call_command("issue-token", "comm_b_sec", "区组织部统计系统", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert "只显示这一次" in err.getvalue()
    r = Client().get("/api/v1/members/", **_bearer(key))
    assert [m["id"] for m in r.json()["items"]] == [cast.member_b.pk]
    assert ApiToken.objects.get().name == "区组织部统计系统"


def test_the_command_refuses_an_unknown_user(cast):
    with pytest.raises(CommandError, match="没有用户名为"):
        call_command("issue-token", "nobody", "x", stdout=StringIO(), stderr=StringIO())


@pytest.mark.urls("tests.api.csrf_urls")
class TestSessionAuthAndCsrf:
    """Browser sessions must carry the CSRF token for unsafe methods; Bearer tokens need not."""

    def _session(self, cast, client_for) -> Client:
        c = client_for(cast.comm_a_sec, enforce_csrf_checks=True)
        c.cookies["csrftoken"] = "a" * 32
        return c

    def test_a_session_reads_without_a_csrf_token(self, cast, client_for):
        c = self._session(cast, client_for)
        assert c.get("/probe/read").json() == {"user": "comm_a_sec"}
        assert c.get("/api/v1/members/").status_code == 200

    def test_a_session_write_without_the_csrf_token_is_refused(self, cast, client_for):
        r = self._session(cast, client_for).post("/probe/write")
        assert r.status_code == 403

    def test_a_session_write_with_the_csrf_token_goes_through(self, cast, client_for):
        r = self._session(cast, client_for).post("/probe/write", HTTP_X_CSRFTOKEN="a" * 32)
        assert r.status_code == 200 and r.json() == {"user": "comm_a_sec"}

    def test_a_bearer_write_needs_no_csrf_token(self, cast):
        _t, key = services.token_issue(user=cast.comm_b_sec, name="x", acting_user=None)
        c = Client(enforce_csrf_checks=True)
        r = c.post("/probe/write", **_bearer(key))
        assert r.status_code == 200 and r.json() == {"user": "comm_b_sec"}

    def test_an_anonymous_write_is_unauthorised(self, cast):
        c = Client(enforce_csrf_checks=True)
        c.cookies["csrftoken"] = "a" * 32
        assert c.post("/probe/write", HTTP_X_CSRFTOKEN="a" * 32).status_code == 401

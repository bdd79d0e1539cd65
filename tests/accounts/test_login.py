"""Logging in: throttling (django-axes), failed logins audited, idle sessions expire,
passwords hashed with Argon2 and changed by their owner."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from dangjian.accounts.middleware import IdleSessionMiddleware
from dangjian.core.models import AuditEntry

from .clients import login_through_page

MINUTES = round(settings.AXES_COOLOFF_TIME * 60)


def test_the_right_password_logs_in_and_is_audited(cast):
    c = Client()
    r = login_through_page(c, "comm_a_sec", cast.password)
    assert r.status_code == 302
    assert c.get("/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert entry.actor == cast.comm_a_sec and entry.ip == "127.0.0.1"


def test_a_wrong_password_gets_a_chinese_message_with_the_limits(cast):
    r = login_through_page(Client(), "comm_a_sec", "wrong")
    text = r.content.decode()
    assert r.status_code == 200
    assert "用户名或密码不正确" in text
    assert f"连续输错 {settings.AXES_FAILURE_LIMIT} 次将暂时锁定 {MINUTES} 分钟" in text


def test_a_failed_login_is_audited_against_the_account_without_an_actor(cast):
    login_through_page(Client(), "comm_a_sec", "wrong")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.object_id == str(cast.comm_a_sec.pk) and entry.object_repr == "comm_a_sec"
    assert entry.ip == "127.0.0.1"
    assert entry.changes == {}


def test_a_failed_login_for_an_unknown_name_is_audited_too(cast):
    login_through_page(Client(), "nobody", "wrong")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.content_type is None and entry.object_repr == "nobody"


def test_an_empty_password_is_not_counted_as_an_attempt(cast):
    login_through_page(Client(), "comm_a_sec", "")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).exists()


def test_five_failures_lock_the_account_and_then_the_right_password_is_refused(cast):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_through_page(c, "comm_a_sec", "wrong").status_code == 200
    locked = login_through_page(c, "comm_a_sec", "wrong")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    assert f"请 {MINUTES} 分钟后再试" in locked.content.decode()

    r = login_through_page(c, "comm_a_sec", cast.password)
    assert r.status_code == 429
    assert "_auth_user_id" not in c.session
    assert c.get("/").status_code == 302  # still anonymous: sent to the login page
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 1
    assert failed.filter(changes__locked=True).count() >= 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


def test_a_lock_on_one_account_does_not_lock_another(cast):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_page(c, "comm_a_sec", "wrong")
    assert login_through_page(c, "comm_b_sec", cast.password).status_code == 302


def test_the_lock_lifts_after_the_cool_off(cast):
    from axes.models import AccessAttempt

    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_page(c, "comm_a_sec", "wrong")
    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - dt.timedelta(seconds=1))
    assert login_through_page(c, "comm_a_sec", cast.password).status_code == 302


def test_passwords_are_stored_as_argon2_hashes(real_password_hashing, cast):
    cast.comm_a_sec.refresh_from_db()
    assert cast.comm_a_sec.password.startswith("argon2$argon2id$")


def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_login(real_password_hashing, cast):
    User = get_user_model()
    User.objects.filter(pk=cast.outsider.pk).update(
        password=make_password(cast.password, hasher="pbkdf2_sha256")
    )
    assert login_through_page(Client(), "outsider", cast.password).status_code == 302
    assert User.objects.get(pk=cast.outsider.pk).password.startswith("argon2$")


def _login(cast, username="comm_a_sec") -> Client:
    c = Client()
    assert login_through_page(c, username, cast.password).status_code == 302
    return c


def test_an_idle_session_past_its_age_is_logged_out(cast):
    c = _login(cast)
    assert c.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def _age_session(seconds_since_renewal: int, expires_in: int) -> None:
    """Pretend the session was last renewed a while ago and is about to expire."""
    from django.contrib.sessions.backends.db import SessionStore

    row = Session.objects.get()
    store = SessionStore(session_key=row.session_key)
    store[IdleSessionMiddleware.KEY] = int(time.time()) - seconds_since_renewal
    store.save()
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=expires_in))


def test_activity_renews_the_idle_timeout(cast):
    c = _login(cast)
    _age_session(seconds_since_renewal=120, expires_in=60)
    c.get("/")
    expires = Session.objects.get().expire_date
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert expires > timezone.now() + age - dt.timedelta(minutes=1)
    assert settings.SESSION_COOKIE_AGE <= 60 * 60  # idle sessions end within the hour


def test_a_page_does_not_rewrite_a_session_renewed_within_the_minute(cast):
    c = _login(cast)
    _age_session(seconds_since_renewal=5, expires_in=600)
    before = Session.objects.get().expire_date
    c.get("/")
    assert Session.objects.get().expire_date == before


def test_a_user_changes_their_own_password(real_password_hashing, cast):
    c = _login(cast)
    r = c.post(
        "/accounts/password/",
        {
            "old_password": cast.password,
            "new_password1": "Xin-Mima-2026",
            "new_password2": "Xin-Mima-2026",
        },
    )
    assert r.status_code == 302
    assert c.get("/").status_code == 200  # this session stays logged in
    user = get_user_model().objects.get(pk=cast.comm_a_sec.pk)
    assert user.check_password("Xin-Mima-2026") and user.password.startswith("argon2$")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, field="password")
    assert entry.actor == cast.comm_a_sec
    assert "Xin-Mima" not in str(entry.changes) and "argon2" not in str(entry.changes)


def test_a_password_change_ends_the_users_other_sessions(cast):
    other = _login(cast)
    c = _login(cast)
    c.post(
        "/accounts/password/",
        {
            "old_password": cast.password,
            "new_password1": "Xin-Mima-2026",
            "new_password2": "Xin-Mima-2026",
        },
    )
    assert other.get("/").status_code == 302


def test_a_wrong_old_password_or_a_weak_new_one_get_chinese_messages(cast):
    c = _login(cast)
    r = c.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "Xin-Mima-2026", "new_password2": "X"},
    )
    text = r.content.decode()
    assert r.status_code == 200
    assert "原密码不正确" in text and "两次输入的新密码不一致" in text
    r = c.post(
        "/accounts/password/",
        {"old_password": cast.password, "new_password1": "1234567", "new_password2": "1234567"},
    )
    text = r.content.decode()
    assert "密码" in text and ("太短" in text or "至少" in text)
    assert get_user_model().objects.get(pk=cast.comm_a_sec.pk).check_password(cast.password)


def test_the_password_page_needs_a_login(cast):
    r = Client().get("/accounts/password/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_logging_out_is_audited_with_the_address(cast):
    c = Client()
    login_through_page(c, "comm_a_sec", cast.password)
    assert c.post("/accounts/logout/").status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGOUT)
    assert entry.actor == cast.comm_a_sec and entry.ip == "127.0.0.1"
    assert entry.object_repr == "comm_a_sec"

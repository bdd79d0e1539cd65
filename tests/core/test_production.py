"""Security headers on every response, and the production mode of ``DANGJIAN_PRODUCTION=1``:
``dangjian check --deploy`` is clean, missing secrets stop the start, HTTPS is enforced except for
the health probe. The subprocess tests run the real ``dangjian`` command with a fresh environment,
because production settings are decided once, when the settings module is imported."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import dangjian

TEMPLATES = Path(dangjian.__file__).parent / "templates"
DANGJIAN = Path(sys.executable).parent / "dangjian"
HOST = "dangjian.example.cn"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # The test run's own settings (conftest allows async-unsafe ORM use for Playwright).
        if not k.startswith("DANGJIAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DANGJIAN_PRODUCTION="1",
        DANGJIAN_SECRET_KEY=secrets.token_urlsafe(50)[:50],
        DANGJIAN_ALLOWED_HOSTS=HOST,
        DANGJIAN_DATA_DIR=str(tmp_path),
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}  # "" means: leave the variable out


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


# --- production mode ---------------------------------------------------------------------------


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    r = _run([str(DANGJIAN), "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path))
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "WARNINGS" not in out and "?: (security" not in out
    assert "no issues" in out


def test_check_deploy_is_clean_with_hsts_preload_and_a_trusted_proxy(tmp_path):
    env = _env(
        tmp_path,
        DANGJIAN_HSTS_PRELOAD="1",
        DANGJIAN_TRUSTED_PROXY="1",
        DANGJIAN_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
    )
    r = _run([str(DANGJIAN), "check", "--deploy", "--fail-level", "WARNING"], env)
    assert r.returncode == 0 and "(0 silenced)" in r.stdout + r.stderr, r.stdout + r.stderr


def test_production_mode_without_a_secret_key_refuses_to_start_in_chinese(tmp_path):
    r = _run([str(DANGJIAN), "check"], _env(tmp_path, DANGJIAN_SECRET_KEY=""))
    assert r.returncode != 0
    assert "ImproperlyConfigured" in r.stderr and "必须设置环境变量 DANGJIAN_SECRET_KEY" in r.stderr
    # The demo's fallback, a key file made in the data dir, is not used in production.
    assert not (tmp_path / "secret_key").exists()


def test_production_mode_refuses_a_short_secret_key(tmp_path):
    r = _run([str(DANGJIAN), "check"], _env(tmp_path, DANGJIAN_SECRET_KEY="short-key"))
    assert r.returncode != 0 and "DANGJIAN_SECRET_KEY 太短" in r.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start_in_chinese(tmp_path):
    r = _run([str(DANGJIAN), "check"], _env(tmp_path, DANGJIAN_ALLOWED_HOSTS=""))
    assert r.returncode != 0 and "必须设置环境变量 DANGJIAN_ALLOWED_HOSTS" in r.stderr


PROBE = f"""
from django.test import Client
from django.conf import settings
c = Client(HTTP_HOST={HOST!r})
print("debug", settings.DEBUG)
print("plain", c.get("/accounts/login/").status_code)
print("healthz", c.get("/healthz").status_code)
r = c.get("/accounts/login/", secure=True)
print("secure", r.status_code)
print("hsts", r.headers.get("Strict-Transport-Security"))
print("csp", r.headers.get("Content-Security-Policy"))
r = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print("forwarded", r.status_code)
"""


def _probe(tmp_path, **extra) -> dict[str, str]:
    r = _run([str(DANGJIAN), "shell", "--no-imports", "-c", PROBE], _env(tmp_path, **extra))
    assert r.returncode == 0, r.stderr
    return dict(line.split(" ", 1) for line in r.stdout.strip().splitlines() if " " in line)


def test_production_mode_redirects_to_https_sends_hsts_and_lets_the_health_probe_in(tmp_path):
    seen = _probe(tmp_path, DANGJIAN_DEBUG="1")
    assert seen["debug"] == "False"  # DANGJIAN_DEBUG cannot switch debug pages on in production
    assert seen["plain"] == "301"
    assert seen["healthz"] == "200"  # the local probe asks over plain HTTP
    assert seen["secure"] == "200"
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert "upgrade-insecure-requests" in seen["csp"]
    # Without DANGJIAN_TRUSTED_PROXY a client cannot claim HTTPS with a header.
    assert seen["forwarded"] == "301"


def test_behind_a_trusted_proxy_its_forwarded_proto_counts(tmp_path):
    seen = _probe(tmp_path, DANGJIAN_TRUSTED_PROXY="1")
    assert seen["forwarded"] == "200"


# --- headers on every response -----------------------------------------------------------------


def _assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives.get("script-src") == "'self'", csp
    assert directives.get("style-src") == "'self'", csp
    assert (
        directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'"
    )
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert not re.search(r"\d", response.headers.get("Server", ""))  # no version numbers


def test_the_login_page_carries_the_security_headers(client, db):
    r = client.get("/accounts/login/")
    assert r.status_code == 200
    _assert_security_headers(r)
    assert r.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    ["/", "/members/", "/meetings/", "/api/v1/orgs/", "/static/dangjian/site.js", "/healthz"],
)
def test_pages_api_and_static_files_carry_the_security_headers(client_for, cast, url):
    r = client_for(cast.comm_a_sec).get(url)
    assert r.status_code == 200, url
    _assert_security_headers(r)


def test_a_not_found_page_carries_the_security_headers(client_for, cast):
    r = client_for(cast.comm_a_sec).get("/members/999999/")
    assert r.status_code == 404
    _assert_security_headers(r)


def test_demo_mode_sends_no_hsts_and_does_not_redirect(client, db):
    r = client.get("/accounts/login/")
    assert r.status_code == 200 and "Strict-Transport-Security" not in r.headers


def test_the_client_address_comes_from_the_trusted_proxy_only_when_configured(rf, settings):
    from dangjian.core.middleware import TrustedProxyMiddleware

    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return None

    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 10.1.2.3", "REMOTE_ADDR": "127.0.0.1"}
    settings.DANGJIAN_TRUSTED_PROXY = False
    TrustedProxyMiddleware(view)(rf.get("/", **forged))
    assert seen["ip"] == "127.0.0.1"
    settings.DANGJIAN_TRUSTED_PROXY = True
    TrustedProxyMiddleware(view)(rf.get("/", **forged))
    assert seen["ip"] == "10.1.2.3"  # the entry our proxy appended, not the client's first one


# --- templates the policy can live with ---------------------------------------------------------

INLINE = {
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "htmx hx-on handler": re.compile(r"\shx-on[:\-]", re.I),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
}


def test_no_template_needs_inline_script_or_style():
    found = []
    comments = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
    for path in sorted(TEMPLATES.rglob("*.html")):
        # Comments are blanked, not removed, so line numbers stay right.
        text = comments.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), path.read_text())
        for what, pattern in INLINE.items():
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert not found, "the Content-Security-Policy would block:\n" + "\n".join(found)


def test_htmx_is_told_not_to_eval_or_inject_styles():
    base = (TEMPLATES / "base.html").read_text()
    assert '"allowEval": false' in base and '"includeIndicatorStyles": false' in base

from django.db import connection


def test_healthz_reports_the_database_state(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"] == {"vendor": connection.vendor, "state": "ok"}

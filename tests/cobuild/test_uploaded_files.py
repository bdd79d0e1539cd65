"""Uploaded files cannot become the platform's pages: a "photo" must be a photo by its bytes,
and whatever is stored is served inline only as a photo, otherwise as a download, always under
a sandboxing Content-Security-Policy of its own."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.cobuild.models import Activity, Photo
from dangjian.core.files import FILE_CSP, image_type
from dangjian.meetings.models import MeetingFile
from dangjian.meetings.services import meeting_attach
from tests.meetings.factories import make_meeting

from .factories import activity, unit
from .images import png

XSS = b"<html><script>fetch('/api/v1/members/')</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def _post(c, cast, school, photo):
    return c.post(
        f"/cobuild/activities/new/?org={cast.comm_a.pk}",
        {
            "kind": "service",
            "theme": "health",
            "title": "义诊进社区",
            "date": "2026-05-01",
            "units": [school.pk],
            "beneficiaries": "12",
            "summary": "测血压。",
            "photos": [photo],
        },
    )


def test_image_types_by_their_first_bytes():
    assert image_type(png()[:16]) == "image/png"
    assert image_type(b"\xff\xd8\xff\xe0" + b"\0" * 12) == "image/jpeg"
    assert image_type(b"GIF89a" + b"\0" * 10) == "image/gif"
    assert image_type(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    for head in (XSS[:16], SVG[:16], b"%PDF-1.4", b"", b"RIFF\0\0\0\0WAVEfmt "):
        assert image_type(head) is None


def test_a_web_page_named_like_a_photo_is_refused_and_nothing_is_saved(
    cast, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    school = unit(cast, "甲社区实验小学")
    c = client_for(cast.comm_a_sec)
    for name, data in (("a.png", XSS), ("b.svg", SVG)):
        r = _post(c, cast, school, SimpleUploadedFile(name, data, content_type="image/png"))
        assert r.status_code == 200
        assert "不是照片：只能上传 JPG、PNG、GIF 或 WebP" in r.content.decode()
    assert not Activity.objects.exists() and not Photo.objects.exists()
    assert not list(tmp_path.rglob("*.*"))
    ok = _post(c, cast, school, SimpleUploadedFile("c.png", png(), content_type="image/png"))
    assert ok.status_code == 302 and Photo.objects.count() == 1


def test_a_stored_file_that_is_not_a_photo_is_a_download_in_a_sandbox(
    cast, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a = activity(cast, [unit(cast, "甲社区医院")])
    bad = Photo.objects.create(activity=a, file=ContentFile(XSS, name="x.html"))
    good = Photo.objects.create(activity=a, file=ContentFile(png(), name="p.png"))
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/cobuild/photos/{bad.pk}/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Security-Policy"] == FILE_CSP and "sandbox" in FILE_CSP
    r = c.get(f"/cobuild/photos/{good.pk}/")
    assert r["Content-Type"] == "image/png"
    assert "attachment" not in r.get("Content-Disposition", "")
    assert r["Content-Security-Policy"] == FILE_CSP and r["X-Content-Type-Options"] == "nosniff"


def test_a_meeting_attachment_is_always_a_download(cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = make_meeting(org=cast.branch_a)
    row = meeting_attach(
        meeting=meeting, upload=SimpleUploadedFile("签到表.html", XSS), acting_user=None
    )
    r = client_for(cast.comm_a_sec).get(f"/meetings/files/{row.pk}/")
    assert "attachment" in r["Content-Disposition"]
    assert r["Content-Type"] == "application/octet-stream"
    assert MeetingFile.objects.count() == 1

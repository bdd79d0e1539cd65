"""The one phone masking of the platform (``dangjian.core.idcard.mask_phone``), at its edges."""

import pytest

from dangjian.core.idcard import mask_phone
from dangjian.jobs import services as jobs_services
from dangjian.servicedesk.models import Request


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("13812345678", "138****5678"),
        (" 138 1234 5678 ", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("0571-87654321", "0571-****4321"),
        ("010-1234567", "010-***4567"),
        ("010-12345678-801", "010-****5678-801"),
        ("057187654321", "057*****4321"),
        ("87654321", "****4321"),
        ("1234567", "***4567"),
        ("123456", "****56"),
        ("12345", "***45"),
        ("1234", "****"),
        ("110", "***"),
        ("1", "*"),
    ],
)
def test_mask_phone(raw, shown):
    assert mask_phone(raw) == shown


def test_the_middle_digits_never_show():
    for raw in ("13812345678", "0571-87654321", "87654321"):
        masked = mask_phone(raw)
        assert len(masked) == len(raw) and "1234" not in masked.replace("4321", "")


def test_services_use_the_same_helper():
    assert jobs_services.mask_phone is mask_phone
    assert Request(phone="0571-87654321").masked_phone == "0571-****4321"
    assert Request(phone="").masked_phone == ""

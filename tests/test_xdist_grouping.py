"""The suite relies on ``--dist loadgroup`` keeping an ``xdist_group`` on one worker (the demo is
built once per module, for minutes). pytest 9.2 with pytest-xdist 3.8 silently stopped grouping
(pytest-xdist#1386) and CI built the demo twice per database; this fails if it happens again."""

import pytest

pytestmark = pytest.mark.xdist_group("grouping_probe")


def test_a_grouped_test_carries_its_group_when_the_suite_runs_in_groups(request):
    # xdist sets ``loadgroup`` on a worker's options when the run was ``--dist loadgroup``
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("the suite is not running under pytest-xdist with --dist loadgroup")
    assert request.node.nodeid.endswith("@grouping_probe"), (
        "pytest-xdist no longer groups xdist_group tests on one worker; "
        "check the pytest / pytest-xdist versions in requirements.lock"
    )

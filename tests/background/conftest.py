"""Background exports' tests: files go to a scratch data directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def scratch_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path

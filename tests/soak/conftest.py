"""The soak suite (``make soak``): long signal and fault runs, not part of ``make test``.

Tests with the ``soak`` marker are skipped unless ``MSL_SOAK=1`` is set (the convention of
``test_files_soak.py``) or the marker is selected (``pytest -m soak tests/soak``); ``make test``
(``pytest tests``) reports them as skipped.
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("MSL_SOAK") == "1" or "soak" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="soak suite: set MSL_SOAK=1 (make soak) or select -m soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)

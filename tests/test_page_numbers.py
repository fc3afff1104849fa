"""The pages show the same numbers as recorded in tests/fixtures/page_numbers.json: a rebuild of a
page (issue 8: pages made of report blocks) may move and relabel things, not change a figure.

When a figure changes on purpose (a corrected code list, a better forecast, other disclosure
control), record again with `python -m tests.page_numbers --out tests/fixtures/page_numbers.json`
and say in the commit message which figures changed and why."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests import page_numbers
from tests.apptest import write_roles

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "page_numbers.json"


@pytest.fixture(scope="module")
def shown(demo_db, tmp_path_factory):
    return page_numbers.record(demo_db, write_roles(tmp_path_factory.mktemp("roles")))


RECORDED = json.loads(FIXTURE.read_text(encoding="utf-8"))["views"]


@pytest.mark.parametrize("view", sorted(RECORDED))
def test_same_numbers_as_recorded(shown, view):
    assert view in shown, f"view {view} no longer exists"
    before, now = RECORDED[view], shown[view]
    assert Counter(now["cells"]) == Counter(before["cells"]), {
        "gone": sorted((Counter(before["cells"]) - Counter(now["cells"])).elements())[:20],
        "new": sorted((Counter(now["cells"]) - Counter(before["cells"])).elements())[:20],
    }
    assert sorted(v.split(" = ")[1] for v in now["tiles"]) == sorted(v.split(" = ")[1] for v in before["tiles"])

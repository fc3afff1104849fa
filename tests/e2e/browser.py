"""What a browser test does to a Streamlit page: open it, wait for the run to finish, check it."""

from __future__ import annotations

import pytest

TIMEOUT_MS = 30_000


def wait_for_app_run(pg) -> None:
    """Block until Streamlit has finished running the script (as Streamlit's own e2e suite does)."""
    from playwright.sync_api import expect

    pg.wait_for_timeout(250)  # widgets debounce ~200 ms before a rerun starts
    pg.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(state="attached", timeout=TIMEOUT_MS)
    pg.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached", timeout=TIMEOUT_MS)
    expect(pg.get_by_test_id("stSkeleton")).to_have_count(0, timeout=TIMEOUT_MS)


def assert_no_exception(pg) -> None:
    exceptions = pg.get_by_test_id("stException")
    if exceptions.count():
        pytest.fail("exception on the page:\n" + "\n---\n".join(exceptions.all_inner_texts()))


def open_app(pg, url: str) -> None:
    pg.goto(url)
    wait_for_app_run(pg)
    assert_no_exception(pg)

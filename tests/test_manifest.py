"""manifest.toml is the one declaration of roles and pages: everything reads it, and it holds
together with the metric declarations."""

from __future__ import annotations

import pytest

from metrics import catalog, registry
from metrics.manifest import MANIFEST, load
from tests.apptest import PAGE_FILES
from ui import access, router


def test_every_role_that_opens_a_page_may_see_its_metrics():
    """A page shows a metric to every role that may open it, unless the manifest lists it as
    role-limited for that page (the page then says why it is not shown)."""
    used = catalog.scan_pages()
    problems = []
    for page in MANIFEST.pages:
        if not page.path.is_file():
            continue
        for name in sorted(used.get(page.key, ())):
            m = registry.get(name)
            for role in page.roles:
                if role not in m.roles and name not in page.role_limited:
                    problems.append(f"{page.key}: {role} opens the page but may not see {name}")
        for name in page.role_limited:
            assert name in used.get(page.key, ()), f"{page.key}: role_limited {name} is not used by the page"
    assert problems == []


def test_pages_use_their_manifest_key():
    keys = {p.key for p in MANIFEST.pages}
    assert set(catalog.scan_pages()) <= keys


def test_readers_take_roles_and_pages_from_the_manifest():
    assert router.PAGES == MANIFEST.pages
    assert PAGE_FILES == {p.url_path: p.file for p in MANIFEST.pages}
    for name, spec in MANIFEST.roles.items():
        user = access.User(name="t", email=None, role=name, wijken=None, hosted=True)
        assert user.role_label == spec.label
        assert [p.key for p in router.visible(user)] == [p.key for p in MANIFEST.pages if name in p.roles and p.path.is_file()]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('roles = ["databrigade", "baas"]', "onbekende rol"),
        ('roles = ["databrigade"]\nkleur = "rood"', "kleur"),
    ],
)
def test_a_wrong_manifest_says_which_key(tmp_path, change, message):
    text = MANIFEST_TEXT.replace('roles = ["databrigade"]', change, 1)
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit, match=message):
        load(path)


MANIFEST_TEXT = (router.ROOT / "manifest.toml").read_text(encoding="utf-8")

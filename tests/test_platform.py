"""The platform: router, warehouse connection, local-mode fallback, hosted roles, theme."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import duckdb
import pytest

from tests.apptest import ROOT, app, open_page, texts, write_roles
from ui import access, router, warehouse


def _tiny_warehouse(path: Path, build_id: str) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE builds AS SELECT ? AS build_id, now()::TIMESTAMP AS started", [build_id])
    con.close()


# --- warehouse connection -------------------------------------------------------------------


def test_warehouse_is_shared_read_only_and_notices_a_rebuild(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    _tiny_warehouse(db, "first")
    monkeypatch.setenv("DATAKOMPAS_DB", str(db))

    wh = warehouse.get()
    assert wh is warehouse.get(), "one connection per warehouse file version"
    assert wh.build_id.startswith("first:")
    assert wh.has("builds") and not wh.has("jeugd_declaraties")
    with pytest.raises(duckdb.Error):
        wh.cursor().execute("CREATE TABLE x (i INT)")

    # A rebuild renames a new file into place; the next call must see it.
    new = tmp_path / "new.duckdb"
    _tiny_warehouse(new, "second")
    os.replace(new, db)
    assert warehouse.get().build_id.startswith("second:")


def test_warehouse_path_follows_env(tmp_path, monkeypatch):
    monkeypatch.delenv("DATAKOMPAS_DB", raising=False)
    assert warehouse.db_path() == ROOT / "data" / "datakompas.duckdb"
    monkeypatch.setenv("DATAKOMPAS_DB", str(tmp_path / "elders.duckdb"))
    assert warehouse.db_path() == tmp_path / "elders.duckdb"
    with pytest.raises(warehouse.WarehouseMissing):
        warehouse.get()


def test_missing_warehouse_is_explained_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(tmp_path / "none.duckdb"))
    at = open_page("")
    assert not at.exception
    assert "python -m data_sources build --demo" in texts(at)


# --- router ---------------------------------------------------------------------------------


def test_router_lists_only_pages_that_exist_at_their_urls():
    urls = {p.url_path for p in router.visible(access.LOCAL_USER)}
    for spec in router.PAGES:
        assert (spec.url_path in urls) == spec.path.is_file()
    assert "" in urls, "Kompas is always there, at /"
    assert [p.url_path for p in router.PAGES] == ["", "jeugd", "ruimte", "veiligheid", "data"]


@pytest.mark.parametrize("role", ["databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast"])
def test_router_gives_each_role_its_pages(role):
    user = access.User(name="x", email="x@zwolle.test", role=role, wijken=None, hosted=True)
    shown = {p.url_path for p in router.visible(user)}
    expected = {p.url_path for p in router.PAGES if p.path.is_file() and role in p.roles}
    assert shown == expected
    if role == "gast":
        assert "jeugd" not in shown, "guests never get the youth-care page"


# --- local mode and hosted mode -------------------------------------------------------------


def test_local_mode_works_without_any_secrets_file(demo_db, monkeypatch):
    assert not (ROOT / ".streamlit" / "secrets.toml").exists(), "the repo must not ship a secrets file"
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    at = open_page("")
    assert not at.exception
    assert "Lokale modus" in texts(at)


def test_hosted_mode_asks_to_log_in(demo_db, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    at = app(role="gast", logged_in=False)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen"]
    assert "Lokale modus" not in texts(at)


def test_hosted_user_without_a_role_is_refused(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    at = app(role="onbekend")
    at.run()
    assert not at.exception
    assert "geen toegang" in texts(at)


def test_hosted_wijkmanager_sees_name_role_and_wijken(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    at = open_page("", role="wijkmanager")
    assert not at.exception
    sidebar = "\n".join(str(m.value) for m in at.sidebar.markdown) + "\n".join(str(c.value) for c in at.sidebar.caption)
    assert "Wijkmanager" in sidebar and "Uw wijken: Wijk 13 Assendorp, Wijk 14 Kamperpoort-Veerallee" in sidebar


def test_roles_file_errors_are_plain_dutch(tmp_path):
    bad = tmp_path / "roles.toml"
    bad.write_text('[[users]]\nemail = "a@b.nl"\nrole = "baas"\n', encoding="utf-8")
    with pytest.raises(access.AccessError, match="rollenbestand .* klopt niet bij 'users.0.role'"):
        access.load_roles(bad)
    with pytest.raises(access.AccessError, match="bestaat niet"):
        access.load_roles(tmp_path / "missing.toml")


def test_role_resolution_email_before_claims_then_default():
    roles = access.RolesFile.model_validate(
        {
            "users": [{"email": "Piet@Zwolle.nl", "role": "ruimte"}],
            "claims": [{"claim": "groups", "value": "wijkteam-zuid", "role": "wijkmanager", "wijken": ["WK019313"]}],
            "default_role": "gast",
        }
    )
    assert access.resolve(roles, "piet@zwolle.nl", {"groups": ["wijkteam-zuid"]}).role == "ruimte"
    rule = access.resolve(roles, "anna@zwolle.nl", {"groups": ["x", "wijkteam-zuid"]})
    assert (rule.role, rule.wijken) == ("wijkmanager", ("WK019313",))
    assert access.resolve(roles, "kees@zwolle.nl", {}).role == "gast"
    assert access.resolve(roles.model_copy(update={"default_role": None}), "kees@zwolle.nl", {}) is None


# --- theme ----------------------------------------------------------------------------------


def _contrast(fg: str, bg: str) -> float:
    def lum(hex_colour: str) -> float:
        rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted([lum(fg), lum(bg)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_theme_meets_wcag_aa_contrast():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    backgrounds = [theme["backgroundColor"], theme["secondaryBackgroundColor"], theme["sidebar"]["backgroundColor"]]
    for fg in (theme["textColor"], theme["primaryColor"], theme["linkColor"], theme["redColor"], theme["greenColor"], theme["orangeColor"]):
        for bg in backgrounds:
            assert _contrast(fg, bg) >= 4.5, f"{fg} on {bg}"
    # Primary buttons draw white text on the primary colour.
    assert _contrast("#FFFFFF", theme["primaryColor"]) >= 4.5
    # Captions and help text: the text colour at 60% opacity (Streamlit's fadedText60) on each background.
    for bg in backgrounds:
        assert _contrast(_blend(theme["textColor"], bg, 0.6), bg) >= 4.5, f"caption on {bg}"


def _blend(fg: str, bg: str, alpha: float) -> str:
    f, b = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (fg, bg))
    return "#" + "".join(f"{round(alpha * x + (1 - alpha) * y):02X}" for x, y in zip(f, b))


def test_streamlit_config_leaves_the_port_to_the_user():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert "port" not in config.get("server", {})
    assert config["browser"]["gatherUsageStats"] is False

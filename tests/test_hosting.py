"""A hosted instance, without a browser: the warehouse swapped under running readers, the audit log,
the roles file, the anonymous visitor, text from the data, and bounded caches.

The browser tests with a real OIDC provider and a rebuild under open sessions are in
tests/e2e/test_hosted.py."""

from __future__ import annotations

import ast
import io
import json
import logging
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

import metrics
from metrics.cache import CACHE, FrameCache
from metrics.manifest import MANIFEST
from metrics.scoped import ANALYSIS_RESULTS
from metrics.warehouse import run
from tests.apptest import AUTH_SECRETS, ROOT, app, open_page, texts, write_roles
from tests.hosting import FORMULA, SCRIPT, build, injected_inputs
from ui import audit, selection, warehouse
from ui.table import Column, Table

# ---- the warehouse under a rebuild ------------------------------------------------------------


def _tiny_warehouse(path: Path, build_id: str) -> None:
    tmp = path.with_suffix(".building")
    con = duckdb.connect(str(tmp))
    con.execute("CREATE TABLE builds AS SELECT ? AS build_id, now()::TIMESTAMP AS started", [build_id])
    con.close()
    os.replace(tmp, path)  # as the build does: a new file renamed into place


def _deleted_files_open(db: Path, settle: float = 2.0) -> int:
    """File descriptors of this process on an unlinked version of `db` (an old build kept open),
    after at most `settle` seconds for a connection that is being closed (or collected) right now."""
    import gc

    deadline = time.monotonic() + settle
    while True:
        n = _deleted_fds(db)
        if n == 0 or time.monotonic() > deadline:
            return n
        gc.collect()
        time.sleep(0.05)


def _deleted_fds(db: Path) -> int:
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            n += 1
    return n


@pytest.fixture
def fresh_versions(monkeypatch, tmp_path):
    warehouse.close_all()
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("DATAKOMPAS_DB", str(db))
    yield db
    warehouse.close_all()


def test_a_run_keeps_its_build_while_a_new_one_lands_and_the_old_one_is_closed_after(fresh_versions):
    db = fresh_versions
    _tiny_warehouse(db, "first")
    with warehouse.run_leases():
        old = warehouse.get()
        assert old.build_id.startswith("first:")
        _tiny_warehouse(db, "second")
        seen = {}

        def other_session():
            with warehouse.run_leases():
                seen["build"] = warehouse.get().build_id

        t = threading.Thread(target=other_session)
        t.start()
        t.join()
        assert seen["build"].startswith("second:"), "a new run picks up the new build without a restart"
        # The run that started on the old build still reads it, to the end of the run.
        assert run(old, "SELECT build_id FROM builds")["build_id"][0] == "first"
        assert warehouse.open_versions() == 2
        assert _deleted_fds(db) >= 1
    # The last run on the old build has ended: its connection and file are released.
    assert warehouse.open_versions() == 1
    assert _deleted_files_open(db) == 0
    with pytest.raises(duckdb.Error):
        run(old, "SELECT 1")


def test_readers_never_see_an_error_while_the_warehouse_is_rebuilt_again_and_again(fresh_versions):
    db = fresh_versions
    _tiny_warehouse(db, "b0")
    errors: list[str] = []
    builds: set[str] = set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                with warehouse.run_leases():
                    wh = warehouse.get()
                    for _ in range(3):  # a page asks several questions in one run
                        builds.add(run(wh, "SELECT build_id FROM builds")["build_id"][0])
                        time.sleep(0.002)
            except Exception as e:  # noqa: BLE001 - any error is the finding
                errors.append(f"{type(e).__name__}: {e}")

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        for i in range(1, 16):
            time.sleep(0.03)
            _tiny_warehouse(db, f"b{i}")
    finally:
        time.sleep(0.1)
        stop.set()
        for t in readers:
            t.join(10)
    assert not errors, errors[:5]
    assert len(builds) > 5, f"the readers followed the rebuilds: {sorted(builds)}"
    assert warehouse.open_versions() == 1, "idle: only the current build is open"
    assert _deleted_files_open(db) == 0, "no old build is held open"


def test_a_new_file_that_cannot_be_opened_leaves_readers_on_the_old_build(fresh_versions, caplog):
    db = fresh_versions
    _tiny_warehouse(db, "good")
    with warehouse.run_leases():
        assert warehouse.get().build_id.startswith("good:")
    broken = db.with_suffix(".tmp")
    broken.write_bytes(b"this is no duckdb file" * 100)
    os.replace(broken, db)
    with caplog.at_level(logging.WARNING, logger="datakompas.warehouse"):
        for _ in range(3):
            with warehouse.run_leases():
                assert warehouse.get().build_id.startswith("good:")
    assert len([r for r in caplog.records if "kan niet geopend" in r.getMessage()]) == 1, "logged once, not per page view"
    _tiny_warehouse(db, "fixed")
    with warehouse.run_leases():
        assert warehouse.get().build_id.startswith("fixed:")
    assert warehouse.open_versions() == 1


def test_a_first_file_that_cannot_be_opened_is_explained(fresh_versions):
    fresh_versions.write_bytes(b"no duckdb" * 100)
    at = open_page("")
    assert not at.exception
    assert "is niet te openen" in texts(at)
    assert not at.metric and not at.dataframe


# ---- the audit log -------------------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def audit_lines():
    handler = _Lines()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(audit.LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.fixture
def hosted(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    return demo_db


PAGE_VIEW_FIELDS = {"time", "event", "user", "role", "wijken", "page", "url_path", "filters", "result", "duration_ms", "session"}


def test_every_page_view_writes_one_audit_line_without_data_or_secrets(hosted, audit_lines):
    at = app(role="wijkmanager")
    at.query_params.update({"jaar": "2025"})
    at.run()
    at.switch_page("pages/jeugd.py")
    at.run()
    assert not at.exception
    at.multiselect(key="wijk").select("WK019313").run()
    at.selectbox(key="tm").select(6).run()
    records = [json.loads(line) for line in audit_lines]
    assert [r["event"] for r in records] == ["login", "page_view", "page_view", "page_view", "page_view"]
    views = records[1:]
    assert [v["page"] for v in views] == ["kompas", "jeugd", "jeugd", "jeugd"]
    for v in views:
        assert set(v) == PAGE_VIEW_FIELDS
        assert (v["user"], v["role"], v["wijken"], v["result"]) == ("wijkmanager@zwolle.test", "wijkmanager", ["WK019313", "WK019314"], "ok")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", v["time"])
        assert re.fullmatch(r"[0-9a-f]{12}", v["session"])
    assert views[1]["filters"] == {"jaar": "2025", "tm": "10", "tab": "Per soort jeugdhulp"}
    assert views[2]["filters"]["wijk"] == "WK019313", "a changed filter is in the line of that view"
    assert views[3]["filters"] == {"jaar": "2025", "tm": "6", "wijk": "WK019313", "tab": "Per soort jeugdhulp"}
    everything = "\n".join(audit_lines)
    for secret in AUTH_SECRETS["auth"].values():
        assert secret not in everything
    # No figure the page showed is in the log (tiles: euros, counts, percentages).
    for m in at.metric:
        if any(ch.isdigit() for ch in m.value) and len(m.value) > 3:
            assert m.value not in everything, f"{m.label} = {m.value} in the audit log"


def test_audit_lines_are_one_json_line_whatever_the_url_says(hosted, audit_lines):
    at = app(role="gast")
    at.query_params.update({"x\nforged": '1\n{"event": "page_view"}', "long": "y" * 5000})
    at.run()
    assert len(audit_lines) == 2
    for line in audit_lines:
        assert "\n" not in line
        json.loads(line)
    assert len(audit_lines[-1]) < 1000, "values are cut"


def test_local_mode_writes_no_audit_lines(demo_db, monkeypatch, audit_lines):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    open_page("")
    assert audit_lines == []


def test_audit_logger_configures_a_handler_once(monkeypatch, tmp_path):
    logger = logging.getLogger(audit.LOGGER_NAME)
    saved = logger.handlers[:]
    try:
        logger.handlers.clear()
        monkeypatch.setenv("DATAKOMPAS_AUDIT_LOG", str(tmp_path / "audit.log"))
        audit.configure()
        audit.configure()
        assert len(logger.handlers) == 1 and not logger.propagate
        audit.event("page_view", page="kompas")
        logger.handlers[0].flush()
        line = (tmp_path / "audit.log").read_text(encoding="utf-8").strip()
        assert json.loads(line)["page"] == "kompas"
    finally:
        for h in logger.handlers:
            h.close()
        logger.handlers[:] = saved


# ---- login, roles file, anonymous ----------------------------------------------------------------


def _no_data(at) -> None:
    assert not at.metric and not at.dataframe
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")


def test_anonymous_visitor_sees_the_login_screen_and_no_number(hosted, audit_lines):
    at = app(role="gast", logged_in=False)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen"]
    _no_data(at)
    shown = texts(at)
    assert not re.search(r"\d", shown), f"a number on the login screen: {shown!r}"
    assert audit_lines == [], "no page was viewed"
    # A deep link runs Home.py first (layout.page), which shows the same login screen.
    for spec in MANIFEST.pages:
        if spec.path.is_file() and spec.url_path:
            at = app(role="gast", logged_in=False)
            at.switch_page(spec.file)
            at.run()
            assert not at.exception
            assert [b.label for b in at.button] == ["Inloggen"], spec.url_path
            _no_data(at)
            assert not re.search(r"\d", texts(at))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "bestaat niet"),
        ("[[users]\nemail = ", "geen geldige TOML"),
        ('[[users]]\nemail = "w@zwolle.test"\nrole = "wijkmanager"\n', "een wijkmanager heeft wijken nodig"),
        ('[[users]]\nemail = "w@zwolle.test"\nrole = "wijkmanager"\nwijken = ["Assendorp"]\n', "users.0.wijken.0"),
        ('default_role = "baas"\n', "default_role"),
        ('[[users]]\nemail = "a@zwolle.test"\nrole = "gast"\n[[users]]\nemail = "A@zwolle.test"\nrole = "ruimte"\n', "twee keer"),
    ],
    ids=["missing", "not-toml", "wijkmanager-without-wijken", "bad-wijk-code", "unknown-role", "duplicate"],
)
def test_a_missing_or_wrong_roles_file_gives_a_clear_message_and_no_data(demo_db, tmp_path, monkeypatch, audit_lines, content, message):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    roles = tmp_path / "roles.toml"
    if content is not None:
        roles.write_text(content, encoding="utf-8")
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(roles))
    at = app(role="databrigade")
    at.run()
    assert not at.exception
    shown = re.sub(r"\\(.)", r"\1", texts(at))  # as the reader sees it (Markdown escapes resolved)
    assert message in shown and "rollenbestand" in shown
    _no_data(at)
    assert [b.label for b in at.button] == ["Uitloggen"]
    denied = [json.loads(line) for line in audit_lines]
    assert [d["event"] for d in denied] == ["denied"] and denied[0]["user"] == "databrigade@zwolle.test"
    assert denied[0]["reason"] in ("no_roles_file", "roles_file_invalid")


def test_no_roles_file_configured_is_explained(demo_db, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.delenv("DATAKOMPAS_ROLES", raising=False)
    at = app(role="databrigade")
    at.run()
    assert "geen rollenbestand ingesteld" in texts(at)
    _no_data(at)


def test_logout_is_offered_and_logged(hosted, audit_lines):
    at = open_page("", role="ruimte")
    logout = next(b for b in at.sidebar.button if b.label == "Uitloggen")
    logout.click().run()
    assert [json.loads(x)["event"] for x in audit_lines][-1] == "logout"


# ---- text from the data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[klik](http://evil.example)",
        "mail info@evil.example of www.evil.example",
        "![x](http://evil.example/p.png)",
        ":red[rood] :material/lock:",
        "**vet** _schuin_ `code`",
        "$x^2$",
        "a | b",
        "# kop",
        "&lt;b&gt;",
    ],
)
def test_md_text_leaves_no_markdown_active(text):
    escaped = selection.md_text(text).replace(selection.WORD_JOINER, "")
    # Every character with a meaning in Markdown is escaped (the rest stays as it is).
    bare = re.sub(r"\\.", "", escaped)
    assert not re.search(r"[\\`*_{}\[\]<>#|~$:&]", bare), escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == text


def test_md_text_breaks_bare_addresses_that_streamlit_would_link():
    for text in ("http://evil.example", "www.evil.example", "info@evil.example"):
        escaped = selection.md_text(text)
        assert not re.search(r"https?\\?:|www\.|\w@", escaped), escaped


@pytest.fixture(scope="module")
def injected_db(demo_inputs, tmp_path_factory):
    """The demo with two aanbieders renamed to a spreadsheet formula and to HTML/Markdown."""
    out = tmp_path_factory.mktemp("injected")
    return build(injected_inputs(demo_inputs, out / "raw"), out / "injected.duckdb")


def _aanbieder_code(db: Path, name: str) -> str:
    frame = metrics.Engine(metrics.open_warehouse(db)).query("lasten", by=["aanbieder"], scope=metrics.Scope.local())
    return next(code for code, label in zip(frame["aanbieder"].to_list(), frame["aanbieder_label"].to_list()) if label == name)


def test_hostile_aanbieder_names_stay_text_on_the_page(injected_db, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(injected_db))
    for name in (SCRIPT, FORMULA):
        at = app()
        at.run()
        at.switch_page("pages/jeugd.py")
        at.run()
        at.session_state["tab"] = "Per aanbieder"
        at.selectbox(key="aanbieder").select(_aanbieder_code(injected_db, name)).run()
        assert not at.exception, [e.value for e in at.exception]
        markdown = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error") for e in getattr(at, kind)]
        headings = [t for t in markdown if selection.md_text(name) in t]
        assert headings, "the chosen aanbieder is named in the headings, escaped"
        assert not [t for t in markdown if name in t], "never as live Markdown"
        if name == SCRIPT:
            # Markdown shows a backslash-escaped "<" as "<": with the escaped characters taken out, no tag is left.
            assert not [t for t in markdown if "<" in re.sub(r"\\.", "", t)]
        # In tables the name is plain text (the grid draws text, not HTML).
        cells = {v for df in at.dataframe if "Aanbieder" in df.value.columns for v in df.value["Aanbieder"]}
        assert name in cells


def _xlsx_cells(data: bytes) -> tuple[list[str], str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        sheet = z.read(next(n for n in names if n.startswith("xl/worksheets/sheet"))).decode()
        shared = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    strings = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r"<si>(.*?)</si>", shared, re.S)]
    return strings, sheet


def test_hostile_aanbieder_names_are_neutralised_in_csv_and_excel(injected_db):
    import html

    engine = metrics.ScopedEngine(metrics.Engine(metrics.open_warehouse(injected_db)), metrics.Scope.local())
    frame = engine.query("lasten", by=["aanbieder"], where={"jaar": 2026})
    names = frame["aanbieder_label"].to_list()
    assert FORMULA in names and SCRIPT in names
    # What the page's aanbieder table exports (Report.table builds this Table).
    table = Table("Lasten per aanbieder")
    table.add(Column("Aanbieder", "text", names))
    table.add(Column("Lasten", "number", frame["waarde"].to_list(), "euro_exact"))
    import csv

    cells = [row[0] for row in csv.reader(io.StringIO(table.csv().decode("utf-8-sig")), delimiter=";")]
    assert "'" + FORMULA in cells, "a leading apostrophe: the spreadsheet shows it as text"
    assert SCRIPT in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    strings, sheet = _xlsx_cells(table.excel())
    assert "<f>" not in sheet, "no formula cell in the Excel file"
    assert "'" + FORMULA in [html.unescape(s) for s in strings]
    assert SCRIPT in [html.unescape(s) for s in strings], "HTML stays text in Excel"


# ---- caches ------------------------------------------------------------------------------------

SERVING_PATH = [ROOT / "Home.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), *(ROOT / "metrics").rglob("*.py")]


def _unbounded_caches(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for dec in getattr(node, "decorator_list", []):
            text = ast.unparse(dec)
            if re.fullmatch(r"(functools\.)?cache", text) or re.fullmatch(r"(functools\.)?lru_cache(\(maxsize=None\))?", text):
                found.append(f"{path.name}:{node.lineno} {text}")
            if re.match(r"st\.cache_(data|resource)", text) and "max_entries" not in text:
                found.append(f"{path.name}:{node.lineno} {text}")
    return found


def test_every_cache_on_the_serving_path_is_bounded():
    assert [u for p in SERVING_PATH for u in _unbounded_caches(p)] == []
    # The caches there are, with their bounds (docs/hosting.md lists them).
    assert (CACHE.maxsize, CACHE.maxbytes) == (2048, 64_000_000) and ANALYSIS_RESULTS.maxsize == 64
    small = FrameCache(maxsize=3)
    import polars as pl

    for i in range(10):
        small.get_or_compute(("k", i), lambda i=i: pl.DataFrame({"x": [i]}))
    assert len(small) == 3
    # Bounded in bytes too: large frames push the oldest out before the count is reached.
    light = FrameCache(maxsize=100, maxbytes=3 * 8000)
    for i in range(10):
        light.get_or_compute(("k", i), lambda i=i: pl.DataFrame({"x": range(1000)}))  # 8000 bytes each
    assert len(light) == 3 and light.get_or_compute(("k", 9), lambda: pl.DataFrame()).height == 1000

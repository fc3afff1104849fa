"""What each role sees in hosted mode, under AppTest, generic over the manifest: every page a role may
open runs (in every view the load test knows, tests/e2e/load.py FILTERS), every page it may not open
is not served, and what the page shows keeps to the role's scope and disclosure control.

Person counts (metrics declared with disclosure "persons": jeugdigen, trajecten, aanbieders) are
checked twice for every role under disclosure control (wijkmanager above all): every figure the
engine hands the page (waarde, vorig jaar, zelfde moment) and every tile and table cell the page
shows for such a metric is "geheim", or a multiple of 5 of at least 10. New pages are covered when
their file lands: nothing here names a page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

import metrics
from metrics import registry
from metrics.manifest import MANIFEST
from metrics.scoped import ScopedEngine
from tests.apptest import app, texts, write_roles
from tests.e2e.load import FILTERS
from tests.hosting import PERSON_DESCRIPTIONS, PERSON_METRICS, protected_count_problem
from ui import access, router

ROLES = ("databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast")
WIJKEN = {"WK019313", "WK019314"}  # the test wijkmanager's (tests/apptest.py)
PERSON_NAMES = {m.name for m in PERSON_METRICS}
# Every metric label, longest first: a header names the longest label it starts with
# ("Jeugdigen met jeugdhulp per 1.000 jongeren" is a rate, not "Jeugdigen met jeugdhulp").
LABELS = sorted({m.label: m.name for m in registry.METRICS.values()}.items(), key=lambda kv: len(kv[0]), reverse=True)


def metric_of_header(header: str) -> str | None:
    """The metric a table column shows: its label starts the header, or ends it in brackets (a
    table of several metrics: "Vorig jaar (jeugdigen met jeugdhulp)")."""
    lowered = header.lower()
    for label, name in LABELS:
        if header.startswith(label) or lowered.endswith(f"({label.lower()})"):
            return name
    return None


COMPARED = ("waarde", "vorig_jaar", "zelfde_moment")


def hosted_user(role: str) -> access.User:
    return access.User(name="t", email=f"{role}@zwolle.test", role=role, wijken=tuple(sorted(WIJKEN)) if role == "wijkmanager" else None, hosted=True)


def existing_pages():
    return [p for p in MANIFEST.pages if p.path.is_file()]


def views(role: str):
    """(role, page, query) for every page the role may open: every load-test view for roles under
    disclosure control, the default view for the others."""
    out = []
    for spec in router.visible(hosted_user(role)):
        variants = FILTERS.get(spec.url_path, ("",)) if MANIFEST.roles[role].disclosure_control else ("",)
        out += [(role, spec.url_path, q) for q in variants]
    return out


ALL_VIEWS = [v for role in ROLES for v in views(role)]


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    return demo_db


@pytest.fixture
def answers(monkeypatch):
    """Every frame the engine hands a page: (scope, metric name, by, frame)."""
    seen: list = []
    original = ScopedEngine.query

    def recording(self, metric, by=(), where=None, **kwargs):
        frame = original(self, metric, by, where, **kwargs)
        seen.append((self.scope, registry.get(metric).name, tuple(by), frame))
        return frame

    monkeypatch.setattr(ScopedEngine, "query", recording)
    return seen


def open_view(role: str, url_path: str, query: str):
    at = app(role=role, timeout=180)
    at.query_params.update(dict(parse_qsl(query.lstrip("?"))))
    at.run()
    if url_path:
        at.switch_page(next(p.file for p in MANIFEST.pages if p.url_path == url_path))
        at.run()
    return at


def shown_person_counts(at) -> list[tuple[str, str]]:
    """(where, text) of every tile and table cell on the page that shows a person count."""
    out = []
    for m in at.metric:
        if m.help and any(m.help.startswith(d) for d in PERSON_DESCRIPTIONS):
            out.append((f"tile {m.label!r}", m.value))
    for df in at.dataframe:
        frame = df.value
        person_column = None
        for col in frame.columns:
            if metric_of_header(col) in PERSON_NAMES:
                person_column = col
                out += [(f"table column {col!r}", v) for v in frame[col].tolist()]
            elif person_column and col.startswith(("Vorig jaar", "Vorig jaar, zelfde moment")) and "(" not in col:
                # The comparison of the person column just before it (one metric per table).
                out += [(f"table column {col!r} (of {person_column!r})", v) for v in frame[col].tolist()]
            elif not col.startswith(("Verschil", "Vorig jaar", "Aandeel", "Per 1.000", "Index")):
                person_column = None
    return out


@pytest.mark.parametrize(("role", "url_path", "query"), ALL_VIEWS, ids=[f"{r}-/{p}{q}" for r, p, q in ALL_VIEWS])
def test_every_view_a_role_may_open_keeps_to_its_scope(env, answers, role, url_path, query):
    at = open_view(role, url_path, query)
    assert not at.exception, [e.value for e in at.exception]
    spec = MANIFEST.roles[role]
    shown = texts(at)
    assert "Lokale modus" not in shown
    assert MANIFEST.label(role) in "\n".join(str(m.value) for m in at.sidebar.markdown), "the sidebar says who is logged in, with which role"
    assert answers, "the page asked the engine for its figures"
    for scope, name, by, frame in answers:
        assert scope.role == role, "every figure is asked in the user's own scope"
        mt = registry.get(name)
        assert role in mt.roles, f"{role} got {name}, which the role may not see"
        if registry.internal(mt) and role == "wijkmanager" and "wijk" in frame.columns:
            assert set(frame["wijk"].drop_nulls().to_list()) <= WIJKEN, f"{name}: internal figures outside the wijkmanager's wijken"
        if spec.disclosure_control and name in PERSON_NAMES:
            for col in COMPARED:
                if col not in frame.columns:
                    continue
                hidden = frame[f"{col}_geheim"].to_list() if f"{col}_geheim" in frame.columns else frame["geheim"].to_list()
                for value, geheim in zip(frame[col].to_list(), hidden):
                    if value is not None and not geheim:
                        assert value % 5 == 0 and value >= 10, f"{name}.{col} = {value} reached the page of a {role}"
    if spec.disclosure_control:
        counts = shown_person_counts(at)
        if any(name in PERSON_NAMES for _, name, _, _ in answers):
            assert counts, "the page shows person counts, yet none was found to check"
        problems = [f"{where}: {p}" for where, text in counts if (p := protected_count_problem(text))]
        assert not problems, problems[:10]


@pytest.mark.parametrize("role", ROLES)
def test_a_page_the_role_may_not_open_is_not_served(env, role):
    allowed = {p.url_path for p in router.visible(hosted_user(role))}
    assert allowed == {p.url_path for p in existing_pages() if role in p.roles}
    for spec in existing_pages():
        if spec.url_path in allowed:
            continue
        at = app(role=role)
        at.run()
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.file)
            at.run()


def test_wijkmanager_finds_own_wijken_first(env):
    """Kompas shows every wijk (public figures, to compare with), the wijkmanager's own first; the
    wijk choice on /jeugd (internal figures) offers only theirs."""
    at = open_view("wijkmanager", "", "")
    per_wijk = next(df.value for df in at.dataframe if "Wijk" in df.value.columns and "Aandeel" in df.value.columns)
    assert list(per_wijk["Wijk"][:2]) == ["Wijk 13 Assendorp", "Wijk 14 Kamperpoort-Veerallee"]
    assert len(per_wijk) == 16
    at = open_view("wijkmanager", "jeugd", "")
    assert list(at.multiselect(key="wijk").options) == ["Wijk 13 Assendorp", "Wijk 14 Kamperpoort-Veerallee"]
    # Others see the wijken in code order, as before.
    at = open_view("databrigade", "", "")
    per_wijk = next(df.value for df in at.dataframe if "Wijk" in df.value.columns and "Aandeel" in df.value.columns)
    assert per_wijk["Wijk"][0] == "Wijk 10 Binnenstad"


def test_own_first_orders_wijken_and_their_buurten():
    from types import SimpleNamespace

    from ui import selection

    fake = SimpleNamespace(scope=metrics.Scope(role="wijkmanager", wijken=frozenset({"WK019314"})))  # all own_first reads
    assert selection.own_first(fake, ["WK019310", "WK019313", "WK019314", "WK019320"]) == ["WK019314", "WK019310", "WK019313", "WK019320"]
    assert selection.own_first(fake, ["BU01931000", "BU01931400", "BU01931410"], "buurt") == ["BU01931400", "BU01931410", "BU01931000"]
    fake.scope = metrics.Scope(role="databrigade")
    assert selection.own_first(fake, ["WK019320", "WK019310"]) == ["WK019320", "WK019310"]


def _wijk_bar(db: str, role: str, wijken: list[str] | None, multi: bool) -> None:
    import streamlit as st

    import metrics
    from ui import selection
    from ui.selection import Filter

    engine = metrics.ScopedEngine(metrics.Engine(metrics.open_warehouse(db)), metrics.Scope(role=role, wijken=frozenset(wijken) if wijken else None))
    sel = selection.bar(engine, [Filter("wijk", multi=multi)], main="inwoners")  # public figures: every wijk
    st.text(f"gekozen: {sel.codes('wijk')}")


@pytest.mark.parametrize("multi", [False, True])
def test_a_wijk_choice_on_public_figures_lists_own_wijken_first(demo_db, multi):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_wijk_bar, args=(str(demo_db), "wijkmanager", ["WK019314", "WK019313"], multi), default_timeout=60).run()
    assert not at.exception
    widget = at.multiselect[0] if multi else at.selectbox[0]
    options = [o for o in widget.options if not o.startswith("Alle")]
    assert options[:2] == ["Wijk 13 Assendorp", "Wijk 14 Kamperpoort-Veerallee"] and len(options) == 16
    # A single wijk choice opens on the user's own (first) wijk; several: nothing chosen, all wijken.
    assert at.text[0].value == ("gekozen: ()" if multi else "gekozen: ('WK019313',)")
    at = AppTest.from_function(_wijk_bar, args=(str(demo_db), "databrigade", None, multi), default_timeout=60).run()
    widget = at.multiselect[0] if multi else at.selectbox[0]
    assert [o for o in widget.options if not o.startswith("Alle")][0] == "Wijk 10 Binnenstad"
    assert at.text[0].value == "gekozen: ()"

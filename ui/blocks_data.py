"""Blocks of the data page (/data): the dataset catalogue, quality across builds, the metric catalogue
with the lineage of a number, the RACI table, open data, and uploading a new export.

Facts about the data (datasets, checks, builds) are not metrics: they come from metrics.meta through
the scoped engine. Open data goes through the declared analysis algemeen.open_data. An upload is
staged, checked and built by data_sources.staging in child processes; the server only waits.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import streamlit as st

from data_sources import staging
from data_sources.registry import SOURCE_KEYS
from metrics import catalog, meta, open_data, registry
from metrics import format as fmt
from ui import charts, warehouse
from ui.report import Report
from ui.table import Column, Table

STATUS = {"pass": "goed", "warn": "waarschuwing", "fail": "fout"}


def licence_kind(licence: str | None) -> str:
    """open (a Creative Commons licence: republishing allowed with its terms) or intern (anything else,
    including a licence that is not stated: then it may not be republished)."""
    text = (licence or "").strip()
    if text.upper().startswith("CC"):
        return "open"
    return "intern (aggregaten open)" if "geaggregeerd openbaar" in text.lower() else "intern"


def _files(text: str | None) -> str:
    try:
        return ", ".join(json.loads(text or "[]"))
    except json.JSONDecodeError:
        return text or ""


def summary(r: Report) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Tiles: datasets, rows, checks passed, stale sources, metrics; returns what the tabs reuse."""
    sets, checks = r.engine.datasets(), r.engine.quality_checks()
    fresh = meta.freshness(sets, checks) if sets.height else {}
    statuses = checks["status"].to_list() if checks.height else []
    stale = [k for k, f in fresh.items() if f.stale]
    cols = st.columns(5)
    cols[0].metric("Datasets geladen", fmt.number(sets.height, "aantal"), border=True, help="Bronnen in het warehouse (van de 13 die Datakompas kent).")
    cols[1].metric("Rijen geladen", fmt.number(int(sets["rows"].sum()) if sets.height else 0, "aantal"), border=True, help="Alle rijen van alle geladen datasets samen.")
    cols[2].metric("Controles goed", f"{statuses.count('pass')} van {len(statuses)}", border=True,
                   help=f"{statuses.count('warn')} waarschuwing(en), {statuses.count('fail')} fout(en).")  # fmt: skip
    cols[3].metric("Verouderde bronnen", fmt.number(len(stale), "aantal"), border=True, help="Voorbij hun verversingsdatum, of met een verouderde inhoud.")
    cols[4].metric("Metrics gedeclareerd", fmt.number(len(registry.METRICS), "aantal"), border=True, help="Elk getal in de app komt uit een van deze metrics.")
    return sets, checks, fresh


def datasets(r: Report, sets: pl.DataFrame, fresh: dict) -> None:
    r.section("Datasetcatalogus", "Elke geladen dataset met eigenaar, steward, bron, licentie, verversing en actualiteit, uit de metatabellen van de build.")
    if not sets.height:
        st.info("Er zijn nog geen datasets geladen.", icon=":material/database:")
        return
    rows = list(sets.iter_rows(named=True))
    t = Table("Datasetcatalogus")
    t.add(Column("Dataset", "text", [x["title"] for x in rows]))
    t.add(Column("Omschrijving", "text", [x["description"] for x in rows]))
    t.add(Column("Eigenaar", "text", [x["owner"] for x in rows]))
    t.add(Column("Steward", "text", [x["steward"] for x in rows]))
    t.add(Column("Bron", "text", [x["publisher"] for x in rows]))
    t.add(Column("Licentie", "text", [f"{licence_kind(x['licence'])}: {x['licence']}" for x in rows]))
    t.add(Column("Verversing", "text", [x["refresh"] for x in rows]))
    t.add(Column("Laatst geladen", "text", [fmt.date(x["loaded_at"].date()) for x in rows]))
    t.add(Column("Actualiteit", "text", [fresh[x["key"]].text for x in rows]))
    t.add(Column("Rijen", "number", [x["rows"] for x in rows], "aantal"))
    t.add(Column("Persoonsgegevens", "text", ["ja" if x["personal_data"] else "nee" for x in rows]))
    t.add(Column("Bestanden", "text", [_files(x["files"]) for x in rows]))
    r.show_table(t, height=38 + 35 * t.height)


def quality(r: Report, checks: pl.DataFrame) -> None:
    r.section("Kwaliteit", "Elke controle van de laatste build: goed, waarschuwing of fout, met wat gevonden is en de drempel.")
    if not checks.height:
        st.info("Dit warehouse heeft geen kwaliteitscontroles.", icon=":material/info:")
        return
    rows = list(checks.iter_rows(named=True))
    t = Table("Kwaliteitscontroles")
    t.add(Column("Dataset", "text", [x["dataset"] for x in rows]))
    t.add(Column("Tabel", "text", [x["table_name"] for x in rows]))
    t.add(Column("Controle", "text", [x["description"] for x in rows]))
    t.add(Column("Status", "text", [STATUS.get(x["status"], x["status"]) for x in rows]))
    t.add(Column("Gevonden", "text", [x["observed"] for x in rows]))
    t.add(Column("Drempel", "text", [x["threshold"] for x in rows]))
    r.show_table(t, height=400)
    history(r)


def history(r: Report) -> None:
    """A small chart per check whose value or status changed across the builds the warehouse remembers."""
    hist = r.engine.quality_history()
    builds = r.engine.builds()
    r.prose(f"**Verloop over builds.** Dit warehouse onthoudt {builds.height} build(s); elke build neemt de geschiedenis van de vorige over.")
    if builds.height < 2 or not hist.height:
        st.caption("Nog maar één build: het verloop verschijnt zodra er opnieuw gebouwd is (bijvoorbeeld na een upload).")
        return
    changed = []
    for (dataset, table, name), part in hist.group_by(["dataset", "table_name", "check_name"], maintain_order=True):
        if part["status"].n_unique() > 1 or part["value"].drop_nulls().n_unique() > 1:
            changed.append(((dataset, table, name), part.sort("started")))
    if not changed:
        st.caption(f"Geen controle is veranderd over de {builds.height} builds.")
        return
    st.caption(f"{len(changed)} controle(s) veranderd over {builds.height} builds; per controle de gevonden waarde per build (punt: status van die build).")
    cols = st.columns(2)
    for i, ((dataset, table, name), part) in enumerate(changed[:12]):
        title = f"{dataset} · {table} · {name}"
        # One point per build, in build order (builds can be minutes apart: a time axis would crowd them);
        # the status of each build is in the tooltip and in the title's last status.
        rows = [
            {"x": f"{n}. {fmt.date(t.date())} {t:%H:%M}", "x_tekst": f"build {n}, {fmt.date(t.date())} {t:%H:%M}", "reeks": "gevonden", "y": v, "waarde": v,
             "tekst": f"{o} ({STATUS.get(s, s)})"}
            for n, (t, s, v, o) in enumerate(zip(part["started"].to_list(), part["status"].to_list(), part["value"].to_list(), part["observed"].to_list()), 1)
            if v is not None
        ]  # fmt: skip
        if not rows:
            continue
        statuses = " → ".join(STATUS.get(x, x) for x in dict.fromkeys(part["status"].to_list()))
        with cols[i % 2]:
            chart = charts.lines(rows, x="x", x_type="O", x_title="Build", y_title="Gevonden", axis=",.4~f", series=["gevonden"], height=180)
            chart = chart.properties(title=f"{title} ({statuses})")
            charts.show(chart, title, key=f"png-hist-{i}")
    if len(changed) > 12:
        st.caption(f"En nog {len(changed) - 12} veranderde controle(s); zie de tabel hierboven.")


def metric_catalog(r: Report) -> None:
    r.section("Metriekcatalogus", "Elke metric uit de declaraties: definitie, berekening, eenheid, eigenaar, bronnen en de pagina's die hem tonen.")
    frame = catalog.frame()
    t = Table("Metriekcatalogus")
    for col, head in (("label", "Metric"), ("naam", "Naam"), ("omschrijving", "Definitie"), ("berekening", "Berekening"), ("eenheid", "Eenheid"),
                      ("eigenaar", "Eigenaar"), ("bronnen", "Bronnen (tabellen)"), ("norm", "Norm"), ("gebruikt_door", "Pagina's"), ("rollen", "Zichtbaar voor")):  # fmt: skip
        t.add(Column(head, "text", frame[col].to_list()))
    r.show_table(t, height=400)
    r.prose("**Herkomst van een getal**: van bestand naar tabel naar metric naar pagina, met de query die het getal maakt.")
    names = sorted(registry.METRICS, key=lambda n: registry.METRICS[n].label)
    chosen = st.selectbox("Metric", names, index=names.index("inwoners") if "inwoners" in names else 0, format_func=lambda n: f"{registry.METRICS[n].label} ({n})", key="herkomst")
    line = catalog.lineage(chosen, r.engine.datasets())
    t = Table(f"Herkomst {chosen}")
    for col, head in (("bestanden", "Bestanden"), ("dataset", "Dataset"), ("tabel", "Tabel"), ("via", "Via metrics"), ("metric", "Metric"), ("paginas", "Pagina's")):
        t.add(Column(head, "text", line[col].to_list()))
    r.show_table(t)
    if reason := r.why_not(chosen):
        st.info(reason, icon=":material/info:")
        return
    with st.expander("De query achter dit getal (SQL)"):
        for name, sql, params in r.engine.explain(chosen):
            st.caption(f"{name}" + (f" · parameters: {params}" if params else ""))
            st.code(sql, language="sql")


def roles(r: Report, sets: pl.DataFrame) -> None:
    r.section("Rollen: wie is waarvoor verantwoordelijk", "Een RACI-tabel uit de declaraties: A de data-eigenaar en R de steward (instellingen van de gemeente), "
              "C de eigenaren van de metrics die uit de dataset komen, I de pagina's die ze tonen en de rollen die ze mogen zien.")  # fmt: skip
    if not sets.height:
        st.info("Er zijn nog geen datasets geladen.", icon=":material/database:")
        return
    frame = catalog.raci(sets)
    t = Table("RACI datasets")
    for col, head in (("dataset", "Dataset"), ("A_eigenaar", "A: eigenaar"), ("R_steward", "R: steward"), ("C_metriceigenaren", "C: eigenaren van de metrics"),
                      ("I_paginas", "I: pagina's"), ("I_rollen", "I: rollen")):  # fmt: skip
        t.add(Column(head, "text", frame[col].to_list()))
    t.add(Column("Metrics", "number", frame["metrics"].to_list(), "aantal"))
    r.show_table(t, height=38 + 35 * t.height)


def open_data_section(r: Report, sets: pl.DataFrame) -> None:
    naam = r.page.build.gemeente_naam if r.page.build else "de gemeente"
    r.section("Open data", "De geaggregeerde cijfers van de open en geaggregeerd openbare bronnen, afgeschermd zoals voor het publiek, als CSV, "
              "met hun beschrijving in DCAT-AP-DONL 1.1 (JSON-LD) voor data.overheid.nl. Jeugdgegevens worden nooit gepubliceerd.")  # fmt: skip
    left, right = st.columns(2)
    base = left.text_input("Publicatieadres van de CSV-bestanden", value=open_data.default_base_url(naam), key="od_base",
                           help="Het adres waar u de CSV-bestanden neerzet; de identifiers en downloadadressen in de DCAT-beschrijving beginnen ermee.")  # fmt: skip
    email = right.text_input("E-mailadres voor vragen (contactpunt)", value="", key="od_email", help="Leeg: het publicatieadres is het contactpunt.")
    aggs = r.engine.analysis("algemeen.open_data", tuple(sets["key"].to_list()) if sets.height else ())
    if not aggs:
        st.info("Geen van de geladen bronnen is open of geaggregeerd openbaar.", icon=":material/info:")
        return
    try:
        doc = open_data.dcat(aggs, sets, naam, base_url=base.strip(), contact_email=email.strip() or None)
    except ValueError as e:
        st.error(str(e), icon=":material/error:")
        return
    missing = open_data.missing_required(doc)
    if missing:
        st.error("Verplichte DCAT-AP-DONL-velden ontbreken: " + "; ".join(missing[:5]), icon=":material/error:")
    else:
        st.success(f"{len(aggs)} datasets; elke verplichte eigenschap van DCAT-AP-DONL 1.1 is ingevuld. Bestuursorgaan: {open_data.authority(naam)}.", icon=":material/check_circle:")
    t = Table("Open data")
    t.add(Column("Dataset", "text", [a.publication.title for a in aggs]))
    t.add(Column("Bestand", "text", [a.publication.key + ".csv" for a in aggs]))
    t.add(Column("Rijen", "number", [a.rows for a in aggs], "aantal"))
    t.add(Column("Afgeschermde cellen", "number", [a.hidden for a in aggs], "aantal"))
    t.add(Column("Berekend als rol", "text", [", ".join(a.roles) for a in aggs]))
    t.add(Column("Licentie", "text", ["CC BY 4.0" if a.publication.licence == open_data.CC_BY else "CC0 1.0 (aanname: de eigenaar bevestigt)" for a in aggs]))
    r.show_table(t)
    st.download_button("DCAT-AP-DONL (JSON-LD)", data=json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"), file_name="datakompas-dcat.jsonld",
                       mime="application/ld+json", icon=":material/data_object:", on_click="ignore", key="od-dcat")  # fmt: skip
    cols = st.columns(3)
    for i, a in enumerate(aggs):
        cols[i % 3].download_button(a.publication.key + ".csv", data=a.csv, file_name=a.publication.key + ".csv", mime="text/csv",
                                    icon=":material/download:", on_click="ignore", key=f"od-{a.publication.key}")  # fmt: skip


# ---- upload ----------------------------------------------------------------------------------------

_STAGED = "_datakompas_upload"
_FLASH = "_datakompas_upload_flash"


def _signature(path: Path) -> tuple | None:
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_mtime_ns, s.st_size)


def upload(r: Report, sets: pl.DataFrame) -> None:
    r.section("Nieuwe export laden", "Kies een bron, upload de nieuwe export en zie elk probleem dat de controle vindt. Pas na uw bevestiging wordt het "
              "warehouse opnieuw gebouwd, in een apart proces; mislukt er iets, dan blijft alles zoals het was.")  # fmt: skip
    if r.page.user.role != "databrigade":
        st.info("Alleen de Databrigade kan nieuwe gegevens laden.", icon=":material/lock:")
        return
    if flash := st.session_state.pop(_FLASH, None):
        st.success(flash, icon=":material/check_circle:")
    db = warehouse.db_path()
    b = r.engine.builds()
    last = b.row(0, named=True) if b.height else {}
    checksums = {k: json.loads(c or "{}") for k, c in zip(sets["key"].to_list(), sets["checksums"].to_list())} if sets.height else {}
    with st.spinner("De invoerbestanden van dit warehouse zoeken..."):
        base = staging.current_inputs(db, built_from=last.get("inputs"), demo=bool(last.get("demo")), peildatum=last.get("peildatum"), checksums=checksums)
    if base.inputs is None:
        st.warning(base.problem, icon=":material/warning:")
        return
    st.caption(f"Basis: {base.how}. Uploads komen in {staging.staging_root(db)}, nooit over de bestanden in gebruik.")
    loaded = [k for k in SOURCE_KEYS if k in set(sets["key"].to_list())] if sets.height else []
    titles = dict(zip(sets["key"].to_list(), sets["title"].to_list())) if sets.height else {}
    if not loaded:
        st.info("Er zijn nog geen bronnen geladen om te vervangen.", icon=":material/info:")
        return
    key = st.selectbox("Bron", loaded, format_func=lambda k: f"{titles.get(k, k)} ({k})", key="upload_bron")
    current = staging.resolved_files(base.inputs).get(key, [])
    st.caption("Bestanden nu: " + ", ".join(p.name for p in current) + ". Een upload met dezelfde naam vervangt dat bestand; een nieuwe naam komt erbij.")
    files = st.file_uploader("Nieuwe export", accept_multiple_files=True, key=f"upload_{key}")
    if st.button("Controleren", icon=":material/fact_check:", disabled=not files, key="upload_check"):
        try:
            staged = staging.stage(base.inputs, key, [(f.name, f.getvalue()) for f in files], staging.staging_root(db))
        except (ValueError, OSError) as e:
            st.error(f"De upload kon niet worden klaargezet: {e}", icon=":material/error:")
            return
        with st.spinner("Controleren (alle bronnen, zoals de build dat doet)..."):
            outcome = staging.check(staged)
        st.session_state[_STAGED] = {"folder": str(staged.folder), "inputs": str(staged.inputs), "source": key, "plan": staged.plan, "code": outcome.code,
                                     "problems": outcome.problems, "log": outcome.log[-5:]}  # fmt: skip
    state = st.session_state.get(_STAGED)
    if not state or state["source"] != key:
        return
    _show_check(r, state)
    if state["code"] != 0:
        return
    if st.button("Bevestigen en opnieuw bouwen", type="primary", icon=":material/autorenew:", key="upload_build"):
        _rebuild(r, state, db)


def _problem_line(p: dict) -> str:
    where = Path(p["file"]).name + (f", regel {p['line']}" if p.get("line") is not None else "")
    text = f"{where}" + (f", kolom '{p['column']}'" if p.get("column") else "") + f": {p['message']}"
    if p.get("value") is not None:
        text += f" (gevonden: '{p['value']}')"
    return text + (f"; verwacht: {p['expected']}" if p.get("expected") else "")


def _problems_table(r: Report, problems: list[dict], name: str) -> None:
    # The first problems as text too: readable without the table widget (screen readers, copy and paste).
    st.markdown("\n".join(f"- {_problem_line(p)}" for p in problems[:10]) + (f"\n\n*En nog {len(problems) - 10}; zie de tabel.*" if len(problems) > 10 else ""))
    t = Table(name)
    t.add(Column("Bestand", "text", [Path(p["file"]).name for p in problems]))
    t.add(Column("Regel", "number", [p["line"] for p in problems], "aantal"))
    t.add(Column("Kolom", "text", [p["column"] for p in problems]))
    t.add(Column("Gevonden", "text", [p["value"] for p in problems]))
    t.add(Column("Verwacht", "text", [p["expected"] for p in problems]))
    t.add(Column("Probleem", "text", [p["message"] + (f" ({p['count']} keer)" if p.get("count", 1) > 1 else "") for p in problems]))
    r.show_table(t, height=min(38 + 35 * t.height, 420))


def _show_check(r: Report, state: dict) -> None:
    plan = ", ".join(f"{name} ({action})" for name, action in state["plan"])
    if state["code"] == 0:
        st.success(f"Geen problemen gevonden in {plan}. Bevestig om het warehouse opnieuw te bouwen.", icon=":material/check_circle:")
    elif state["code"] == 2:
        n = sum(p.get("count", 1) for p in state["problems"])
        st.error(f"De controle vond {n} probleem/problemen in {plan}. Er is niets veranderd: het warehouse en de bestanden in gebruik zijn ongewijzigd.", icon=":material/error:")
        _problems_table(r, state["problems"], "Problemen in de upload")
    else:
        st.error("De controle liep vast (een fout in Datakompas, niet in uw bestand). Er is niets veranderd. " + " ".join(state["log"][-2:]), icon=":material/bug_report:")


def _rebuild(r: Report, state: dict, db: Path) -> None:
    staged = staging.Staged(Path(state["folder"]), Path(state["inputs"]), state["source"], state["plan"])
    before = _signature(db)
    bar = st.progress(0.0, text="Opnieuw bouwen: invoer lezen...")
    progress_state = {"expected_tables": staging.expected_tables(staged)}
    sources = len(staging.resolved_files(staged.inputs))

    def on_line(line: str) -> None:
        done = staging.progress(line, sources, progress_state)
        if done is not None:
            bar.progress(done, text=f"Opnieuw bouwen: {line.strip()[:90]}")

    started = dt.datetime.now()
    try:
        outcome = staging.rebuild(staged, db, on_line)
    except staging.Busy as e:
        bar.empty()
        st.warning(str(e), icon=":material/hourglass_top:")
        return
    unchanged = _signature(db) == before
    if outcome.ok and not unchanged:
        bar.progress(1.0, text="Klaar.")
        st.session_state.pop(_STAGED, None)
        seconds = (dt.datetime.now() - started).total_seconds()
        st.session_state[_FLASH] = f"Het warehouse is opnieuw gebouwd met de nieuwe export ({seconds:.0f} s). Alle pagina's tonen nu de nieuwe cijfers."
        st.rerun()
    bar.empty()
    state_text = "Het warehouse is ongewijzigd (hetzelfde bestand als voor de poging)." if unchanged else "Let op: het warehousebestand is veranderd; controleer de build."
    if outcome.code == 2:
        st.error(f"De build vond problemen; er is niets veranderd. {state_text}", icon=":material/error:")
        _problems_table(r, outcome.problems, "Problemen bij het bouwen")
    else:
        st.error(f"De build is mislukt; er is niets veranderd. {state_text} " + " ".join(outcome.log[-2:]), icon=":material/bug_report:")

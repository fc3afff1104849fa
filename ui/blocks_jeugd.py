"""Blocks of the Sturingsdashboard Jeugd that draw a declared analysis rather than one metric:
the forecast per month with its band, its backtest, and the comparison per wijk with CBS.
Like every block they ask the engine (bound to the user's scope) themselves; the analyses
protect what they return for that scope."""

from __future__ import annotations

import streamlit as st

from metrics import format as fmt
from metrics.declarations import Metric
from metrics.jeugd import jeugdzorg, prognose
from ui.report import Fig, Report
from ui.selection import MAANDEN
from ui.table import Column, Table

SERIES = {"gedeclareerd": "Gedeclareerd (cumulatief)", "prognose": "Prognose (cumulatief)", "begroting": "Begroting naar rato"}
MONTH_COLUMNS = ("realised", "expected_lag", "expected_active", "total", "cumulative")


def forecast(r: Report, keuze: jeugdzorg.Keuze, lasten: Metric, begroting: Metric) -> None:
    """The year-end forecast per month of care: declared and forecast (cumulative), the 80% band,
    the begroting pro rata when the user may see it; the forecast in words and per month."""
    fc = r.engine.analysis("jeugd.prognose_detail", keuze)
    if fc is None:
        r.note(f"Voor {keuze.jaar} is geen prognose te maken met deze selectie (te weinig eerdere gegevens, of afgeschermd omdat het om weinig jeugdigen gaat).")
        return
    bg_total = None
    if r.engine.allowed(begroting) and r.engine.available(begroting) and not r.sel.not_applied(begroting, periode=False):
        bg_total = r.row(Fig(begroting, periode=False))["waarde"]
    band = jeugdzorg.prognose_band(fc, bg_total)
    series = [c for c in SERIES if c in band.columns]
    rows, margins, table_rows = [], [], []
    for b in band.iter_rows(named=True):
        x, x_text = b["maand"].isoformat(), fmt.month(b["maand"].year, b["maand"].month)
        extra = {
            "gedeclareerd_tekst": fmt.value(lasten, b["gedeclareerd"]),
            "prognose_tekst": fmt.value(lasten, b["prognose"]),
            "marge_tekst": f"{fmt.value(lasten, b['laag'])} – {fmt.value(lasten, b['hoog'])}" if b["laag"] is not None else fmt.MISSING,
        }
        rows += [{"x": x, "x_tekst": x_text, "reeks": SERIES[c], "waarde": b[c], "tekst": fmt.value(lasten, b[c])} | extra for c in series if b[c] is not None]
        if b["laag"] is not None:
            margins.append({"x": x, "x_tekst": x_text, "laag": b["laag"], "hoog": b["hoog"], "marge": extra["marge_tekst"]})
        table_rows.append(b)
    table = Table(f"Prognose {keuze.jaar} cumulatief")
    table.add(Column("Zorgmaand", "text", [fmt.month(b["maand"].year, b["maand"].month) for b in table_rows]))
    for c in (*series, "laag", "hoog"):
        header = SERIES.get(c, {"laag": "80%-marge, laag", "hoog": "80%-marge, hoog"}.get(c))
        table.add(Column(header, "number", [b[c] for b in table_rows], "euro_exact"))
    r.lines_with_band(
        rows, margins, title=f"Prognose {keuze.jaar} cumulatief", y_title="Cumulatief", number_format=lasten.format, series=[SERIES[c] for c in series], table=table,
        description="Band: de 80%-marge van de jaareindprognose, over de maanden verdeeld naar het deel dat nog niet gedeclareerd is."
        + (" De begroting naar rato is de actuele begroting × maand / 12." if "begroting" in series else ""),
    )  # fmt: skip
    r.prose(prognose.describe(fc))
    per_maand = Table(f"Prognose {keuze.jaar} per zorgmaand")
    per_maand.add(Column(prognose.LABELS["month"], "text", [fmt.month(d.year, d.month) for d in fc.months["month"].to_list()]))
    for c in MONTH_COLUMNS:
        values = fc.months[c].to_list()
        per_maand.add(Column(prognose.LABELS[c], "number", values, "euro_exact", _hidden(r, values)))
    r.details("Prognose per zorgmaand (tabel)", lambda: r.show_table(per_maand), key="prognose-per-maand")


def backtest(r: Report, keuze: jeugdzorg.Keuze) -> None:
    """How good the forecast is: made again at the end of March, June and September of every earlier
    complete year with what was known then, against the outcome and against doortrekking."""
    bt = r.engine.analysis("jeugd.backtest", keuze)
    if bt is None:
        r.note("De toets op eerdere jaren is voor deze selectie afgeschermd: het gaat om weinig jeugdigen.", icon=":material/lock:")
        return
    if bt.is_empty():
        r.note(prognose.explain(bt))
        return
    s = prognose.summary(bt)
    moments = [f"eind {MAANDEN[c]}" for c in s["checkpoint"].to_list()]
    for col, moment, mape, base in zip(st.columns(s.height), moments, s["mape"].to_list(), s["baseline_mape"].to_list()):
        col.metric(
            f"Afwijking prognose {moment}",
            fmt.number(mape, "percentage"),
            delta=f"basislijn {fmt.number(base, 'percentage')}",
            delta_color="off",
            delta_arrow="off",
            help="Gemiddelde absolute afwijking van de uitkomst, over de getoetste jaren (backtest op deze gegevens).",
            border=True,
        )
    r.prose(prognose.explain(bt, r.engine.analysis("jeugd.herkomst")))
    summary = Table("Backtest prognose samenvatting")
    summary.add(Column("Prognose gemaakt", "text", moments))
    summary.add(Column("Getoetste jaren", "text", [f"{a}–{b}" for a, b in zip(s["first_year"].to_list(), s["last_year"].to_list())]))
    for c, header in (
        ("mape", "Gemiddelde afwijking prognose"),
        ("baseline_mape", "Gemiddelde afwijking basislijn (vorig jaar × verhouding op hetzelfde moment)"),
        ("naive_mape", "Gemiddelde afwijking doortrekking"),
        ("max_abs_error", "Grootste afwijking prognose"),
    ):
        summary.add(Column(header, "number", s[c].to_list(), "percentage"))
    summary.add(Column("Uitkomst binnen de 80%-marge", "text", [f"{fmt.number(c, 'procent')} van {int(n)} jaar" if n else "–" for c, n in zip(s["coverage"].to_list(), s["covered_years"].to_list())]))
    r.show_table(summary)
    detail = bt.sort("year", "checkpoint")
    per_jaar = Table("Backtest prognose per jaar")
    per_jaar.add(Column("Jaar", "text", [str(y) for y in detail["year"].to_list()]))
    per_jaar.add(Column("Prognose gemaakt", "text", [f"eind {MAANDEN[c]}" for c in detail["checkpoint"].to_list()]))
    for c, header, number_format in (
        ("actual", "Uitkomst", "euro_exact"),
        ("forecast", "Prognose", "euro_exact"),
        ("error_pct", "Afwijking prognose", "verandering_100"),
        ("baseline", "Basislijn", "euro_exact"),
        ("baseline_error_pct", "Afwijking basislijn", "verandering_100"),
        ("naive", "Doortrekking", "euro_exact"),
        ("naive_error_pct", "Afwijking doortrekking", "verandering_100"),
    ):
        values = detail[c].to_list()
        per_jaar.add(Column(header, "number", values, number_format, _hidden(r, values)))
    r.details("Backtest per jaar (tabel)", lambda: r.show_table(per_jaar), key="backtest-per-jaar")


def _hidden(r: Report, values: list) -> list[bool]:
    """Under disclosure control an analysis leaves a small cell out (None): it reads "geheim"."""
    protected = r.engine.scope.spec.disclosure_control
    return [protected and v is None for v in values]


def wijkvergelijking(r: Report, jaar: int, wijken: tuple[str, ...], per_1000: Metric, jeugdigen: Metric) -> int | None:
    """Per wijk: jeugdigen with jeugdhulp per 1.000 jongeren on a map, beside CBS's percentage of
    youths with jeugdzorg, and the table of both. Returns the CBS year (None: CBS not loaded)."""
    vergelijking, cbs_jaar = r.engine.analysis("jeugd.wijkvergelijking", jaar, tuple(wijken))
    where = {"jaar": jaar} | ({"wijk": list(wijken)} if wijken else {})
    left, right = st.columns(2)
    with left:
        r.map(Fig(per_1000, where=where), level="wijk", title=f"Per 1.000 jongeren 0-17, {jaar}")
    points = []
    for w in vergelijking.iter_rows(named=True):
        if not w["geheim"] and w["pct"] is not None:
            points.append((w["wijk_label"], f"Datakompas {jaar}", w["pct"], fmt.number(w["pct"], "percentage")))
        if w["cbs_pct"] is not None:
            points.append((w["wijk_label"], f"CBS {cbs_jaar}", w["cbs_pct"], fmt.number(w["cbs_pct"], "percentage")))
    with right:
        r.dots(points, title="Wij en CBS naast elkaar", x_title="% van de jongeren 0-17", number_format="decimaal")
    hidden = [bool(g) for g in vergelijking["geheim"].to_list()]
    table = Table(f"Jeugdhulp per wijk {jaar}")
    table.add(Column("Wijk", "text", vergelijking["wijk_label"].to_list()))
    table.add(Column(f"Jeugdigen met jeugdhulp {jaar}", "number", vergelijking["jeugdigen"].to_list(), jeugdigen.format, [bool(g) for g in vergelijking["jeugdigen_geheim"].to_list()]))
    table.add(Column("Per 1.000 jongeren 0-17", "number", vergelijking["waarde"].to_list(), per_1000.format, hidden))
    table.add(Column(f"Datakompas {jaar} (%)", "number", vergelijking["pct"].to_list(), "percentage", hidden))
    table.add(Column(f"CBS {cbs_jaar} (%)" if cbs_jaar else "CBS (%)", "number", vergelijking["cbs_pct"].to_list(), "percentage"))
    table.add(Column("Verschil (procentpunt)", "number", [None if h else v for h, v in zip(hidden, vergelijking["verschil_pp"].to_list())], "decimaal"))
    r.show_table(table)
    if cbs_jaar is None:
        r.note(
            "Het CBS-cijfer (percentage jongeren met jeugdzorg, Kerncijfers wijken en buurten) is niet geladen of heeft geen jaar tot en met "
            f"{jaar}; laad de bron cbs_kwb om het ernaast te zien."
        )
    return cbs_jaar


def late_signal(r: Report, keuze: jeugdzorg.Keuze) -> None:
    """Aanbieders that declare clearly later than usual: named, with the shortfall the forecast fills in."""
    late = r.engine.analysis("jeugd.late_aanbieders", keuze)
    if late is None or late.is_empty():
        return
    lines = [f"- {t}" for t in late["tekst"].to_list() if t]
    if lines:
        st.warning(
            "**Later gedeclareerd dan verwacht.** De prognose vult dit aan tot wat de toewijzingen van deze aanbieders doen verwachten:\n"
            + "\n".join(lines),
            icon=":material/schedule:",
        )


def what_if(r: Report, keuze: jeugdzorg.Keuze, lasten: Metric, begroting: Metric) -> None:
    """The forecast under other assumptions (a tariff change, more or less instroom, longer or
    shorter new trajecten) beside the unchanged one; the assumptions live in the url like the filters."""
    from metrics.jeugd import wat_als

    st.caption("Verander een aanname en zie de jaareindprognose en de over- of onderschrijding meebewegen, naast de prognose zonder wijziging.")
    left, mid, right = st.columns(3)
    tarief = left.number_input("Tarieven vanaf volgende maand (%)", min_value=-50.0, max_value=100.0, value=0.0, step=1.0, key="tarief", bind="query-params")
    instroom = mid.number_input("Instroom nieuwe trajecten (%)", min_value=-100.0, max_value=200.0, value=0.0, step=5.0, key="instroom", bind="query-params")
    duur = right.number_input("Duur nieuwe trajecten (maanden langer of korter)", min_value=-24.0, max_value=48.0, value=0.0, step=1.0, key="duur", bind="query-params")
    try:
        scenario = wat_als.Scenario(tarief_pct=float(tarief), instroom_pct=float(instroom), looptijd_maanden=float(duur) or None)
    except ValueError as e:
        r.note(str(e))
        return
    bg = None
    if r.engine.allowed(begroting) and r.engine.available(begroting) and not r.sel.not_applied(begroting, periode=False):
        bg = r.row(Fig(begroting, periode=False))["waarde"]
    result = r.engine.analysis("jeugd.wat_als", keuze, scenario, bg)
    if result is None:
        r.note(f"Voor {keuze.jaar} is geen prognose te maken met deze selectie, dus ook geen wat-als.")
        return
    cols = st.columns(3)
    cols[0].metric("Prognose, ongewijzigd", fmt.value(lasten, result.prognose), border=True)
    cols[1].metric(
        "Prognose met deze aannames",
        fmt.value(lasten, result.prognose_scenario),
        delta=fmt.signed_euro(result.verschil) if abs(result.verschil) >= 0.5 else None,
        delta_color="inverse",
        border=True,
    )
    if result.saldo_scenario is not None:
        label = "Verwachte overschrijding" if result.saldo_scenario > 0 else "Verwachte onderschrijding"
        cols[2].metric(
            f"{label}, met deze aannames",
            fmt.value(lasten, abs(result.saldo_scenario)),
            delta=f"ongewijzigd: {fmt.signed_euro(result.saldo)}",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    r.prose(result.tekst)
    if result.aannames:
        r.prose("**Aannames.**\n" + "\n".join(f"- {a}" for a in result.aannames))
    months = result.months
    table = Table(f"Wat als {keuze.jaar} per zorgmaand")
    table.add(Column("Zorgmaand", "text", [fmt.month(d.year, d.month) for d in months["month"].to_list()]))
    for c, header in (("prognose", "Prognose, ongewijzigd"), ("prognose_scenario", "Prognose met deze aannames"), ("verschil", "Verschil")):
        values = months[c].to_list()
        table.add(Column(header, "number", values, "euro_verschil" if c == "verschil" else "euro_exact", _hidden(r, values)))
    r.details("Wat als per zorgmaand (tabel)", lambda: r.show_table(table), key="wat-als-per-maand")

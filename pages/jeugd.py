"""Sturingsdashboard Jeugd: grip on youth-care spending, with a forecast that does not wait for late declarations."""

from metrics import format as fmt
from metrics import uses
from metrics.jeugd import drivers, jeugdzorg
from metrics.periods import last_complete_month, same_day_last_year
from ui import blocks_jeugd, report
from ui.report import Col, Fig, Filter, Tile
from ui.selection import MAANDEN

(lasten, begroting, prognose_m, saldo, ontleding, jeugdigen, kosten, aanbieders, gestart, beeindigd, duur, doorlooptijd, binnen_norm, per_1000) = uses(
    "jeugd",
    "lasten", "begroting_actueel", "prognose", "prognose_saldo", "lasten_ontleding", "jeugdigen", "kosten_per_jeugdige", "aanbieders",
    "trajecten_gestart", "trajecten_beeindigd", "gemiddelde_duur", "doorlooptijd", "aandeel_binnen_norm", "jeugdigen_per_1000",
)  # fmt: skip

r = report.page(
    "jeugd",
    "Grip op de uitgaven jeugdzorg: lasten tegen de begroting, een prognose die niet wacht op late declaraties, en wat de verandering verklaart.",
)
if r.missing(lasten, jeugdigen):
    r.stop()

peil = r.engine.info.peildatum
vorig_peil = same_day_last_year(peil)
sel = r.filters(
    [
        Filter("jaar"),
        Filter("periode", url="tm", label="Periode: januari t/m"),
        Filter("productgroep", url="soort", all_label="Alle soorten"),
        Filter("aanbieder", options_from="lasten", all_label="Alle aanbieders"),
        Filter("wijk", multi=True),
    ],
    main="lasten",
    max_year=peil.year,
    default_period=last_complete_month(peil),
)
jaar, periode = sel.jaar, sel.periode
standaard = (sel.jaar, sel.tm_maand) == last_complete_month(peil)
r.caption(
    f"Peildatum {fmt.date(peil)}. "
    + (
        f"Standaard tonen we januari t/m {MAANDEN[sel.tm_maand]}: de laatste volledige maand zorg vóór de peildatum, want de lopende maand is nog niet voorbij. "
        if standaard
        else ""
    )
    + "Recente maanden zijn nog niet volledig gedeclareerd (aanbieders declareren weken tot maanden later); de prognose vult dat aan."
)
area = r.page.area[0].upper() + r.page.area[1:]
wat = area + (f" · {sel.text}" if sel.text else "")

# --- headline -------------------------------------------------------------------------------
r.section(f"{area}: {periode}" + (f" · {sel.text}" if sel.text else ""))
r.tiles(
    [
        Tile(
            lasten,
            compare="zelfde_moment",
            label=f"Lasten {periode}",
            note=f"Vergeleken met wat voor {sel.vorige_periode} op {fmt.date(vorig_peil)} gedeclareerd was, zodat late declaraties beide jaren even zwaar drukken.",
        ),
        Tile(prognose_m, label=f"Prognose jaareinde {jaar}", periode=False, delta_description=f"t.o.v. heel {jaar - 1}",
             note=f"Vergeleken met de lasten over heel {jaar - 1} volgens dezelfde methode (daar is vrijwel alles gedeclareerd)."),  # fmt: skip
        Tile(begroting, label=f"Actuele begroting {jaar}", periode=False),
        Tile(
            saldo,
            compare=None,
            periode=False,
            label=lambda row: "Verwachte overschrijding" if (row["waarde"] or 0) > 0 else "Verwachte onderschrijding",
            change_text=lambda row: None if row["pct"] is None else f"{fmt.change(row['pct'])} van de begroting",
            note="Positief: de prognose ligt boven de actuele begroting.",
        ),
        Tile(jeugdigen, note=f"Periode: {periode}; vergeleken met {sel.vorige_periode}."),
        Tile(kosten, compare="zelfde_moment", note="Verandering zoals bij de lasten: tegen wat vorig jaar op hetzelfde moment gedeclareerd was."),
    ]
)
r.skipped(begroting, periode=False)

# --- prognose -------------------------------------------------------------------------------
r.section(f"Prognose {jaar} · {wat}: waar komen de uitgaven uit?")
keuze = jeugdzorg.Keuze(jaar=jaar, tm_maand=12, productgroep=sel.value("productgroep"), aanbieder=sel.value("aanbieder"), wijken=sel.codes("wijk"))
blocks_jeugd.late_signal(r, keuze)
blocks_jeugd.forecast(r, keuze, lasten, begroting)

r.prose("**Wat als?**")
blocks_jeugd.what_if(r, keuze, lasten, begroting)

# The test on earlier years makes the forecast some twenty times again: for a selection the build
# did not store (a wijkmanager's wijken, a filter) that is most of a first visit, so it is made
# when asked.
r.details("Hoe goed is de prognose? De toets op eerdere jaren", lambda: blocks_jeugd.backtest(r, keuze), key="backtest")

# --- drivers --------------------------------------------------------------------------------
EFFECTEN = {e: drivers.LABELS[e] for e in drivers.EFFECTS}
r.section(f"Wat verklaart het verschil met vorig jaar? {wat}, {periode}")
r.prose(drivers.describe(r.row(Fig(ontleding)), periode, f"dezelfde maanden van {jaar - 1}, zoals bekend op {fmt.date(vorig_peil)}"))
r.parts(Fig(ontleding), None, parts=EFFECTEN, total="verschil", title="Verschil met vorig jaar")
with r.expander("Hoe is dit berekend?"):
    r.prose(drivers.METHOD)

ONTLEDING = (
    ("lasten_vorig_jaar", f"Lasten {jaar - 1}", "euro_exact"),
    ("lasten", f"Lasten {jaar}", "euro_exact"),
    ("verschil", "Verschil", "euro_verschil"),
    ("effect_jeugdigen", "Jeugdigen", "euro_verschil"),
    ("effect_zorg", "Zorg per jeugdige", "euro_verschil"),
    ("effect_tarief", "Tarieven", "euro_verschil"),
    ("tarief_pct", "Tarieven (%)", "verandering"),
)
ONTLEDING_UITLEG = (
    f"Lasten over {periode} en over dezelfde maanden van {jaar - 1} zoals bekend op {fmt.date(vorig_peil)}. De kolommen Jeugdigen, "
    "Zorg per jeugdige en Tarieven tellen op tot het verschil; '–' betekent te weinig jeugdigen om te splitsen."
)
VERGELIJKING_UITLEG = f"Vorig jaar: dezelfde maanden van {jaar - 1}, zoals die op {fmt.date(vorig_peil)} gedeclareerd waren (late declaraties drukken zo beide jaren even zwaar)."
LASTEN_TABEL = (Col(lasten, compare=("aandeel", "zelfde_moment"), header=f"Lasten {jaar}"),)


def per_soort() -> None:
    r.parts(Fig(ontleding), "productgroep", parts=EFFECTEN, total="verschil", title="Verschil met vorig jaar")
    r.table("productgroep", [Col(ontleding, columns=ONTLEDING)], name=f"Verschil lasten per soort jeugdhulp {periode}")
    r.caption(ONTLEDING_UITLEG)


def per_taakveld() -> None:
    reeksen = r.engine.analysis("jeugd.taakveld_reeksen")
    if reeksen:
        delen = "; ".join(f"{oud} loopt door in {', '.join(nieuw[:-1])} en {nieuw[-1]}" if len(nieuw) > 1 else f"{oud} in {nieuw[0]}" for oud, nieuw in reeksen.items())
        r.prose(f"Vanaf 2023 zijn de Iv3-taakvelden jeugd fijner ingedeeld: {delen}. Per reeks lopen de jaren daardoor door, ook over 2023 heen.")
    laatste_vol = min(jaar, peil.year - 1)
    left, right = r.columns(2)
    for col, reeks in zip((left, right), reeksen or ("6.72", "6.82")):
        with col:
            where = sel.where(lasten, periode=False, jaar=[y for y in sel.years if y <= laatste_vol]) | {"taakveld_reeks": reeks}
            r.stacked(Fig(lasten, where=where), x="jaar", colour="taakveld", grey=(reeks,), title=f"Reeks {reeks}, hele jaren t/m {laatste_vol}")
    r.prose(f"**Verschil met vorig jaar per reeks, {periode}**")
    r.table("taakveld_reeks", [Col(ontleding, columns=ONTLEDING)], name=f"Verschil lasten per taakveldreeks {periode}")
    r.caption(ONTLEDING_UITLEG)
    r.prose(f"**Lasten per taakveld, {periode}**")
    r.table("taakveld", LASTEN_TABEL, name=f"Lasten per taakveld {periode}", with_code=True)
    r.caption(VERGELIJKING_UITLEG)
    if jaar == 2023:
        r.caption("2023 is het eerste jaar van de nieuwe taakvelden: per taakveld is er geen vorig jaar; vergelijk per reeks (hierboven).")
    r.prose(f"**Actuele begroting per taakveld, {jaar}**")
    r.table("taakveld", [Col(begroting, compare=("vorig_jaar",), periode=False)], name=f"Begroting per taakveld {jaar}")


def per_aanbieder() -> None:
    r.text(f"**{{n}} aanbieders** declareerden over {periode}.", n=Fig(aanbieders))
    r.bars(Fig(lasten), "aanbieder", title="Top 10 aanbieders", top=10, share_top=5)
    r.table("aanbieder", LASTEN_TABEL, name=f"Lasten per aanbieder {periode}", largest_first=True, height=360)
    r.caption(VERGELIJKING_UITLEG)


def per_verwijzer() -> None:
    r.bars(Fig(lasten), "verwijzer", title=f"Lasten per verwijzer {periode}", order="declared")
    r.table("verwijzer", LASTEN_TABEL, name=f"Lasten per verwijzer {periode}")
    r.caption(VERGELIJKING_UITLEG)
    r.prose(f"**Instroom per verwijzer, {periode}**")
    r.table("verwijzer", [Col(gestart, compare=("vorig_jaar", "aandeel"))], name=f"Instroom per verwijzer {periode}")


r.tabs({"Per soort jeugdhulp": per_soort, "Per taakveld (Iv3)": per_taakveld, "Per aanbieder": per_aanbieder, "Per verwijzer": per_verwijzer}, key="tab")

# --- flow -----------------------------------------------------------------------------------
r.section(f"Instroom, uitstroom en doorlooptijd: {wat}, {periode}")
r.tiles(
    [
        Tile(gestart, label="Instroom: gestarte trajecten"),
        Tile(beeindigd, label="Uitstroom: beëindigde trajecten"),
        Tile(duur, label="Gemiddelde duur beëindigde trajecten"),
        Tile(doorlooptijd, label="Doorlooptijd aanvraag tot toewijzing", note=f"Norm: {doorlooptijd.norm.label}."),
        Tile(binnen_norm, label=f"Binnen de norm ({doorlooptijd.norm.value:.0f} werkdagen)"),
    ]
)
left, right = r.columns(2)
with left:
    r.trend(
        [Fig(gestart, label="Instroom (gestart)", where=sel.where(gestart, periode=False, jaar=[jaar - 1, jaar])),
         Fig(beeindigd, label="Uitstroom (beëindigd)", where=sel.where(beeindigd, periode=False, jaar=[jaar - 1, jaar]))],
        by="maand", until=(jaar, sel.tm_maand), title=f"Instroom en uitstroom per maand, {jaar - 1} en {jaar}",
    )  # fmt: skip
with right:
    r.trend([Fig(doorlooptijd)], by="maand", title=f"Doorlooptijd aanvraag tot toewijzing, {jaar} (stippellijn: norm)")
r.table("maand", [Col(binnen_norm, compare=("vorig_jaar",))], name=f"Aandeel binnen de norm per maand {jaar}", expander=f"Aandeel binnen de norm per maand, {jaar} (tabel)")
r.prose(f"**Duur van beëindigde trajecten per soort jeugdhulp, {periode}**")
r.table("productgroep", [Col(duur, compare=("vorig_jaar",))], name=f"Duur trajecten per soort jeugdhulp {periode}")

# --- per wijk -------------------------------------------------------------------------------
r.section(f"Per wijk: jeugdigen met jeugdhulp per 1.000 jongeren, {jaar} · {area}")
if not r.missing(per_1000):
    r.caption(
        f"Jeugdigen met een lopende toewijzing op enig moment in {jaar}"
        + (f" (tot de peildatum {fmt.date(peil)})" if jaar == peil.year else "")
        + ", per 1.000 inwoners van 0-17 jaar op 1 januari. Het hele jaar, alle soorten jeugdhulp en aanbieders"
        + (f": het filter op {', '.join(sel.not_applied(per_1000, periode=False))} geldt hier niet." if sel.not_applied(per_1000, periode=False) else ".")
    )
    cbs_jaar = blocks_jeugd.wijkvergelijking(r, jaar, sel.codes("wijk"), per_1000, jeugdigen)
    if cbs_jaar is not None:
        r.prose(
            f"**CBS {cbs_jaar} tegenover Datakompas {jaar}.** Waarom verschillen de cijfers? CBS telt jongeren tot 18 jaar met jeugdzorg in natura "
            "over een heel kalenderjaar, naar woonadres, zonder pgb, en publiceert pas na ruim een jaar. Wij tellen jeugdigen met een lopende "
            "toewijzing op enig moment in het gekozen jaar (het lopende jaar tot de peildatum), ook jongvolwassenen met verlengde jeugdhulp, per "
            "1.000 inwoners van 0-17 jaar. Beide hebben een ander jaar, een andere bron en een andere afbakening: vergelijk de verhoudingen tussen "
            "wijken, niet de precieze waarden."
        )

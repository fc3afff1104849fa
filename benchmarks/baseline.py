"""The baseline: what a typical municipal Streamlit app does for the same page. pandas reads the
raw files (the same ones the build reads) and computes the page's main aggregates, straight from
the export, with the obvious pandas code: read_csv, merge, groupby. No warehouse, no checks, no
disclosure control, no model.

    python -m benchmarks.baseline path/to/inputs.toml jeugd      # prints one JSON line

Timed cold in a fresh process (pandas imported before the clock starts), like our pages. Where
our page has a model that such an app would not have (the Jeugd forecast with its backtest), the
baseline does what such an app would do instead (declared so far / months x 12); so the ratio
flatters the baseline, not us.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEILDATUM = dt.date(2026, 11, 1)
ZWOLLE = "GM0193"


class Files:
    def __init__(self, inputs_toml: Path) -> None:
        spec = tomllib.loads(inputs_toml.read_text(encoding="utf-8"))
        self.peildatum = spec.get("peildatum", PEILDATUM)
        self.sources = {k: [inputs_toml.parent / f for f in v["files"]] for k, v in spec.items() if isinstance(v, dict) and "files" in v}

    def __call__(self, key: str, contains: str = "") -> list[Path]:
        return [f for f in self.sources.get(key, []) if contains in f.name]


def _regions(files: Files):
    import pandas as pd

    r = pd.read_csv(files("cbs_regios")[0], dtype=str)
    r["Key"] = r["Key"].str.strip()
    buurten = r[r["Key"].str.startswith("BU" + ZWOLLE[2:])].copy()
    buurten["wijk"] = "WK" + buurten["Key"].str[2:8]
    return buurten.rename(columns={"Key": "buurt", "Title": "buurt_naam"})[["buurt", "buurt_naam", "wijk"]]


def _population(files: Files):
    """Inwoners (total and 0-17) and woningen per buurt and year, from the portal's yearly exports."""
    import pandas as pd

    frames = []
    for f in files("zwolle_portaal"):
        year = int(f.stem.rsplit("-", 1)[1])
        d = pd.read_csv(f, sep=";", encoding="utf-8-sig")
        d.columns = [c.strip() for c in d.columns]
        col = lambda text: next(c for c in d.columns if c.startswith(text))  # noqa: E731
        young = [col("inwoners in de leeftijd van 0-3"), col("inwoners in de leeftijd van 4-11"), col("inwoners in de leeftijd van 12-17")]
        frames.append(
            pd.DataFrame(
                {
                    "buurt_naam": d[d.columns[0]],  # Buurt-naam, or Buurt_naam in older exports
                    "jaar": year,
                    "inwoners": pd.to_numeric(d[col("inwoners op 1 januari")], errors="coerce"),
                    "jong": d[young].apply(pd.to_numeric, errors="coerce").sum(axis=1),
                    "woningen": pd.to_numeric(d[col("woningen")], errors="coerce"),
                }
            )
        )
    # Residents the portal cannot place in a buurt (the row "Onbekend") are left out, as the
    # warehouse does (data_sources/WAREHOUSE.md), so both count the same people.
    people = pd.concat(frames)
    return people[people["buurt_naam"].str.strip() != "Onbekend"].merge(_regions(files), on="buurt_naam", how="left")


def _politie(paths: list[Path], value: str):
    import pandas as pd

    d = pd.concat([pd.read_csv(f, dtype={"SoortMisdrijf": str, "Overlast": str}) for f in paths], ignore_index=True)
    d["regio"] = d["WijkenEnBuurten"].str.strip()
    d["soort"] = d[d.columns[1]].str.strip()
    d["jaar"] = d["Perioden"].str[:4].astype(int)
    d["waarde"] = pd.to_numeric(d[value], errors="coerce")
    return d


def kompas(files: Files) -> dict:
    """The Kompas home: the gemeente per wijk, a headline per use case with its yearly trend (jeugd
    year-end estimate, nieuwbouw, misdrijven) and the checks behind its signals (budget, doorlooptijd
    norm, wijken far above the gemeente, plancapaciteit, aanbieders that declare less than usual)."""
    import numpy as np
    import pandas as pd

    pop = _population(files)
    year = int(pop["jaar"].max())
    now, before = pop[pop["jaar"] == year], pop[pop["jaar"] == year - 1]
    per_wijk = now.groupby("wijk")["inwoners"].sum().to_frame("inwoners")
    per_wijk["vorig_jaar"] = before.groupby("wijk")["inwoners"].sum()
    per_wijk["aandeel"] = per_wijk["inwoners"] / per_wijk["inwoners"].sum()
    crimes = _politie(files("politie_misdrijven", "47018_"), "GeregistreerdeMisdrijven_1")
    last = crimes[(crimes["regio"] == ZWOLLE) & (crimes["soort"] == "0.0.0") & (crimes["jaar"] < files.peildatum.year)]
    crime_year = int(last["jaar"].max())
    per_1000 = last[last["jaar"] == crime_year]["waarde"].sum() / pop[pop["jaar"] == crime_year]["inwoners"].sum() * 1000
    out: dict = {
        "inwoners": float(now["inwoners"].sum()),
        "woningen": float(now["woningen"].sum()),
        "jong": float(now["jong"].sum()),
        "misdrijven_per_1000": float(per_1000),
        "wijken": len(per_wijk),
        "misdrijven_trend": int(last.groupby("jaar")["waarde"].sum().shape[0]),
    }
    wijken = crimes[(crimes["jaar"] == crime_year) & (crimes["soort"] == "0.0.0") & crimes["regio"].str.startswith("WK0193")].set_index("regio")["waarde"]
    index = wijken / pop[pop["jaar"] == crime_year].groupby("wijk")["inwoners"].sum() * 1000 / per_1000 * 100
    out["wijken_boven_200"] = int((index > 200).sum())

    t, d = _jeugd(files)
    peil, month = pd.Timestamp(files.peildatum), files.peildatum.month - 1
    d = d[d["ingediend_op"] <= peil]
    per_year = d.groupby(d["maand"].dt.year)["bedrag"].sum()
    ytd = d[(d["maand"].dt.year == peil.year) & (d["maand"].dt.month <= month)]["bedrag"].sum()
    out["jeugd_trend"] = int(per_year.shape[0])
    out["prognose_doortrekking"] = float(ytd / month * 12)
    out["begroting_benut"] = out["prognose_doortrekking"] / _begroting(files, peil.year)
    started = t[t["begindatum"].dt.year == peil.year].dropna(subset=["aanvraagdatum"])
    days = np.busday_count(started["aanvraagdatum"].values.astype("datetime64[D]"), started["begindatum"].values.astype("datetime64[D]"))
    out["doorlooptijd"] = float(days.mean()) if len(days) else None
    # Late aanbieders, as a quick app would check: the last three months declared per aanbieder
    # against the same months a year before, as declared a year ago.
    ago = (peil.year - d["maand"].dt.year) * 12 + peil.month - d["maand"].dt.month  # months before the peildatum's
    recent = d[ago.between(1, 3)].groupby("aanbieder_naam")["bedrag"].sum()
    then = d[ago.between(13, 15) & (d["ingediend_op"] <= peil - pd.DateOffset(years=1))].groupby("aanbieder_naam")["bedrag"].sum()
    ratio = recent / then
    out["laat"] = int((ratio < 0.5).sum())

    ruimte_out = ruimte(files)
    out["nieuwbouw_trend"] = ruimte_out.get("voorraad_jaren")
    out["plancapaciteit"] = ruimte_out.get("plancapaciteit")
    return out


def _jeugd(files: Files):
    """Toewijzingen and the declarations that are not rejected, with their toewijzing's client,
    buurt, productcategorie, aanbieder and verwijzer."""
    import pandas as pd

    t = pd.read_csv(files("jeugd_toewijzingen")[0], dtype={"buurt_code": str, "productcategorie": str, "aanbieder_agb": str, "verwijzer": str},
                    parse_dates=["aanvraagdatum", "begindatum", "einddatum"])  # fmt: skip
    d = pd.concat([pd.read_csv(f, parse_dates=["ingediend_op"]) for f in files("jeugd_declaraties")], ignore_index=True)
    d["maand"] = pd.to_datetime(d["maand"] + "-01")
    d = d[d["status"] != "afgekeurd"]
    d = d.merge(t[["toewijzing_id", "client_id", "buurt_code", "productcategorie", "aanbieder_naam", "verwijzer"]], on="toewijzing_id", how="left")
    d["wijk"] = "WK" + d["buurt_code"].str[2:8]
    return t, d


def _begroting(files: Files, year: int) -> float:
    import pandas as pd

    begroting = pd.read_csv(files("jeugd_begroting")[0])
    return float(begroting.loc[begroting["jaar"] == year, "actuele_begroting"].sum())


def jeugd(files: Files) -> dict:
    import numpy as np
    import pandas as pd

    peil = pd.Timestamp(files.peildatum)
    t, d = _jeugd(files)
    year, month = peil.year, peil.month - 1
    ytd = d[(d["maand"].dt.year == year) & (d["maand"].dt.month <= month) & (d["ingediend_op"] <= peil)]
    last_peil = peil - pd.DateOffset(years=1)
    last = d[(d["maand"].dt.year == year - 1) & (d["maand"].dt.month <= month) & (d["ingediend_op"] <= last_peil)]
    out: dict = {"lasten": ytd["bedrag"].sum(), "zelfde_moment": last["bedrag"].sum()}
    out["prognose_doortrekking"] = out["lasten"] / month * 12
    out["begroting"] = _begroting(files, year)
    for by in ("productcategorie", "aanbieder_naam", "verwijzer", "wijk"):
        now = ytd.groupby(by)["bedrag"].sum()
        table = pd.DataFrame({"lasten": now, "vorig_jaar": last.groupby(by)["bedrag"].sum()})
        table["aandeel"] = table["lasten"] / table["lasten"].sum()
        out[f"per_{by}"] = len(table.sort_values("lasten", ascending=False).head(10 if by == "aanbieder_naam" else None))
    # Jeugdigen with care in the period, cost per jeugdige.
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)
    running = t[(t["begindatum"] <= end) & (t["einddatum"].isna() | (t["einddatum"] >= start))]
    out["jeugdigen"] = running["client_id"].nunique()
    out["kosten_per_jeugdige"] = out["lasten"] / out["jeugdigen"]
    # Instroom, uitstroom and doorlooptijd per month, this year and last.
    for name, column in (("instroom", "begindatum"), ("uitstroom", "einddatum")):
        moved = t[t[column].dt.year.isin([year - 1, year])]
        out[name] = int(moved.groupby([moved[column].dt.year, moved[column].dt.month]).size().sum())
    this_year = t[t["begindatum"].dt.year == year].dropna(subset=["aanvraagdatum"])
    days = np.busday_count(this_year["aanvraagdatum"].values.astype("datetime64[D]"), this_year["begindatum"].values.astype("datetime64[D]"))
    out["doorlooptijd_per_maand"] = len(pd.Series(days).groupby(this_year["begindatum"].dt.month.values).mean())
    # Per wijk: jeugdigen per 1.000 jongeren.
    pop = _population(files)
    young = pop[pop["jaar"] == min(year, int(pop["jaar"].max()))].groupby("wijk")["jong"].sum()
    per_wijk = running.assign(wijk="WK" + running["buurt_code"].str[2:8]).groupby("wijk")["client_id"].nunique() / young * 1000
    out["wijken"] = int(per_wijk.notna().sum())
    return {k: (float(v) if isinstance(v, (int, float, np.floating, np.integer)) else v) for k, v in out.items()}


def veiligheid(files: Files) -> dict:
    import numpy as np
    import pandas as pd

    pop = _population(files)
    crimes = _politie(files("politie_misdrijven", "47018_"), "GeregistreerdeMisdrijven_1")
    monthly = _politie(files("politie_misdrijven", "47022_"), "GeregistreerdeMisdrijven_1")
    overlast = _politie(files("politie_overlast", "47024_"), "GeregistreerdeOverlast_1")
    zwolle = crimes[crimes["regio"].str.startswith(("GM0193", "WK0193", "BU0193"))]
    year = int(zwolle.loc[zwolle["jaar"] < files.peildatum.year, "jaar"].max())
    total = zwolle[(zwolle["soort"] == "0.0.0")]
    per_year = total[total["regio"] == ZWOLLE].groupby("jaar")["waarde"].sum()
    inwoners = pop.groupby("jaar")["inwoners"].sum()
    trend = (per_year / inwoners * 1000).dropna()
    out: dict = {"misdrijven": float(per_year.get(year, np.nan)), "per_1000": float(trend.get(year, np.nan)), "trend_jaren": len(trend)}
    hic = ["1.1.1", "1.4.6", "1.4.7", "1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5"]
    now = zwolle[zwolle["jaar"] == year]
    out["hic"] = float(now[(now["regio"] == ZWOLLE) & now["soort"].isin(hic)]["waarde"].sum())
    for level, prefix in (("wijk", "WK0193"), ("buurt", "BU0193")):
        areas = now[(now["soort"] == "0.0.0") & now["regio"].str.startswith(prefix)].set_index("regio")["waarde"]
        people = pop[pop["jaar"] == year].groupby(level if level == "wijk" else "buurt")["inwoners"].sum()
        rate = areas / people * 1000
        index = rate / out["per_1000"] * 100
        # Poisson interval per area (normal approximation, as a quick app would).
        low, high = (areas - 1.96 * np.sqrt(areas)) / people * 1000, (areas + 1.96 * np.sqrt(areas)) / people * 1000
        out[f"per_{level}"] = int(pd.DataFrame({"rate": rate, "index": index, "low": low, "high": high}).dropna().shape[0])
    out["per_soort"] = int(now[now["regio"] == ZWOLLE].groupby("soort")["waarde"].sum().shape[0])
    m = monthly[(monthly["regio"] == ZWOLLE) & (monthly["soort"] == "0.0.0") & (monthly["jaar"] >= year - 2)]
    m = m.assign(maand=m["Perioden"].str[-2:].astype(int))
    out["seizoen"] = int(m.groupby("maand")["waarde"].mean().shape[0])
    out["overlast"] = float(overlast[(overlast["regio"] == ZWOLLE) & (overlast["soort"] == "0.0.0") & (overlast["jaar"] == year)]["waarde"].sum())
    meldingen = pd.read_csv(files("meldingen")[0], dtype={"buurt_code": str})
    meldingen["datum"] = pd.to_datetime(meldingen["datum"].str[:10])
    meldingen["afgehandeld_op"] = pd.to_datetime(meldingen["afgehandeld_op"])
    mj = meldingen[meldingen["datum"].dt.year == year]
    done = mj.dropna(subset=["afgehandeld_op"])
    days = np.busday_count(done["datum"].values.astype("datetime64[D]"), done["afgehandeld_op"].values.astype("datetime64[D]"))
    out["meldingen"] = len(mj)
    out["binnen_termijn"] = float((days <= 5).mean()) if len(days) else None
    out["meldingen_per_wijk"] = int(mj.assign(wijk="WK" + mj["buurt_code"].str[2:8]).groupby("wijk").size().shape[0])
    return out


def ruimte(files: Files) -> dict:
    import pandas as pd

    out: dict = {}
    if files("cbs_woningvoorraad"):
        v = pd.read_csv(files("cbs_woningvoorraad")[0], sep=";")
        z = v[v["RegioS"].str.strip() == ZWOLLE]
        out["voorraad_jaren"] = int(z.groupby(z["Perioden"].str[:4])[["Nieuwbouw_2", "Sloop_4", "EindstandVoorraad_8"]].sum().shape[0])
    if files("plancapaciteit"):
        p = pd.read_csv(files("plancapaciteit")[0])
        out["plancapaciteit"] = float(p.select_dtypes("number").sum().sum())
    if files("woningbouwprojecten"):
        w = pd.read_csv(files("woningbouwprojecten")[0], dtype={"buurt_code": str}, parse_dates=["geplande_oplevering", "werkelijke_oplevering"])
        w["wijk"] = "WK" + w["buurt_code"].str[2:8]
        out["projecten_per_wijk"] = int(w.groupby(["wijk", "status"])["woningen"].sum().shape[0])
        out["opgeleverd_per_jaar"] = int(w.groupby(w["werkelijke_oplevering"].dt.year)["woningen"].sum().shape[0])
    pop = _population(files)
    out["woningen_per_wijk"] = int(pop.groupby(["jaar", "wijk"])["woningen"].sum().shape[0])
    return out


def data(files: Files) -> dict:
    """Per dataset: rows, and the share of empty cells per column (what a data page shows)."""
    import pandas as pd

    out = {}
    for key, paths in files.sources.items():
        rows = 0
        for f in paths:
            if f.suffix.lower() != ".csv":
                continue
            d = pd.read_csv(f, sep=None, engine="python") if f.stat().st_size < 1_000_000 else pd.read_csv(f)
            rows += len(d)
            d.isna().mean()
        out[key] = rows
    return out


PAGES = {"": kompas, "jeugd": jeugd, "veiligheid": veiligheid, "ruimte": ruimte, "data": data}


def child(inputs_toml: str, page: str) -> dict:
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    files = Files(Path(inputs_toml))
    t0, c0 = time.perf_counter(), time.process_time()
    result = PAGES[page](files)
    return {"cold": time.perf_counter() - t0, "cold_cpu": time.process_time() - c0, "result": {k: v for k, v in result.items() if not isinstance(v, float) or v == v}}


def measure(inputs_toml: Path, pages: list[str], log=print, timeout: float = 3600) -> dict:
    from benchmarks.common import python, run_child

    out = {}
    for page in pages:
        if page not in PAGES:
            out[f"/{page}"] = {"error": "geen pandas-basislijn voor deze pagina"}
            continue
        c = run_child(python("-m", "benchmarks.baseline", str(inputs_toml), page), timeout=timeout)
        try:
            row = c.json() | {"peak_rss_mb": c.peak_rss_mb}
        except RuntimeError as e:
            row = {"error": str(e)[-500:]}
        out[f"/{page}"] = row
        log(f"  pandas /{page:<11} " + (f"koud {row['cold']:6.2f} s (cpu {row['cold_cpu']:5.2f}), {row['peak_rss_mb']:.0f} MB" if "cold" in row else row["error"][:300]))
    return out


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""), default=str))

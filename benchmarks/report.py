"""The README tables of a benchmark run (Markdown, Dutch), with the targets of issue 14 at the
largest scale measured."""

from __future__ import annotations

from benchmarks.common import QUIET_LOAD, SETTLE_MAX

TARGETS = {
    "build_ratio": 1.5,  # build seconds / floor seconds
    "build_peak_mb": 2048,
    "cold": 1.0,
    "warm": 0.2,
    "render": 2.5,
    "baseline_ratio": 5.0,
    "rss_ten_mb": 1536,
}


def _s(x, digits: int = 2) -> str:
    if x is None:
        return "–"
    return f"{x:.{digits}f}".replace(".", ",")


def _n(x) -> str:
    return "–" if x is None else f"{x:,.0f}".replace(",", ".")


def _ok(value, limit, *, above: bool = False) -> str:
    if value is None:
        return "niet gemeten"
    met = value >= limit if above else value <= limit
    return "gehaald" if met else "**niet gehaald**"


def _load(entry: dict, *keys: str) -> str:
    for k in keys:
        if entry.get(k):
            return ", ".join(_s(v, 1) for v in entry[k])
    return "–"


PARTS = {"build": "bouwen", "pages": "pagina's", "baseline": "pandas", "browser": "Chromium"}


def _starts(scales: dict, order: list[str]) -> list[str]:
    """The load each part started at, after waiting for a quiet machine (benchmarks.common.settle)."""
    rows = []
    for k in order:
        cells = []
        for part in PARTS:
            st = scales[k].get(f"settled_{part}")
            if not st:
                cells.append("–")
                continue
            waited = f", na {_n(st['waited_s'])} s wachten" if st["waited_s"] >= 1 else ""
            probe = f"; ijkje {_s(st['probe_s'])} s" if st.get("probe_s") else ""
            cells.append(f"{_s(st['load'][0], 1) if st['load'] else '?'}{waited}{probe}" + ("" if st["quiet"] else " (**niet rustig**)"))
        if any(c != "–" for c in cells):
            rows.append(f"| {k} | " + " | ".join(cells) + " |")
    if not rows:
        return []
    head = "| schaal | " + " | ".join(PARTS.values()) + " |"
    wait = f"een onderdeel wacht tot die onder {_s(QUIET_LOAD, 1)} is, hooguit {_n(SETTLE_MAX)} s"
    probe = "het ijkje: seconden voor een vast stuk Python (`common.speed_probe`), hoe sneller hoe rustiger de buren"
    return ["", f"**Belasting bij het begin van elk onderdeel** (gemiddelde over 1 minuut; {wait}; {probe}):", "", head,
            "|" + "---|" * (len(PARTS) + 1), *rows]  # fmt: skip


def table(result: dict) -> str:
    m = result.get("machine", {})
    scales = result.get("scales", {})
    order = sorted(scales, key=float)
    lines = [
        f"Gemeten op {m.get('cpu', '?')}, {m.get('cores', '?')} kernen, {_s(m.get('memory_gb'), 1)} GB geheugen, {m.get('os', '?')}, "
        f"Python {m.get('python', '?')} (polars {m.get('versions', {}).get('polars')}, DuckDB {m.get('versions', {}).get('duckdb')}, "
        f"Streamlit {m.get('versions', {}).get('streamlit')}, pandas {m.get('versions', {}).get('pandas')}); demodata zaad 193, peildatum "
        f"1 november 2026; `python -m benchmarks --scale {' '.join(order)}` op {result.get('started', '?')[:10]}. Tijden in seconden op de klok "
        "(tussen haakjes: CPU-seconden van het proces, alle threads).",
        "",
        "**Bouwen** tegen de vloer: DuckDB leest dezelfde bestanden zelf in (`read_csv`/`read_json`, zonder controles), in dezelfde run.",
        "",
        "| schaal | rijen | bouwen (hele commando) | waarvan inlezen, controleren, schrijven | waarvan prognose vooraf | vloer (DuckDB) | verhouding "
        "| verhouding zonder prognose | piekgeheugen bouwen | belasting (1, 5, 15 min) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for k in order:
        e = scales[k]
        b = e.get("build")
        if not b:
            continue
        rows = sum(s["rows"] for s in b["sources"])
        lines.append(
            f"| {k} | {_n(rows)} | {_s(b['seconds'], 1)} ({_s(b['cpu'], 1)}) | {_s(b.get('ingest_seconds'), 1)} ({_s(b.get('ingest_cpu'), 1)}) | "
            f"{_s(b.get('derive_seconds'), 1)} ({_s(b.get('derive_cpu'), 1)}) | {_s(b['floor_seconds'], 1)} ({_s(b['floor_cpu'], 1)}) | "
            f"{_s(b['ratio'])}x | {_s(b.get('ingest_ratio'))}x | {_n(b['peak_rss_mb'])} MB | {_load(e, 'load_before_build', 'load_before')} |"
        )
    big = order[-1] if order else None
    if big and scales[big].get("build"):
        lines += ["", f"Per bron, schaal {big}:", "", "| bron | rijen | bouwen (s) | rijen/s | vloer (s) | vloer rijen/s | verhouding |", "|---|---|---|---|---|---|---|"]
        for s in scales[big]["build"]["sources"]:
            if s["rows"] < 1000:
                continue
            lines.append(
                f"| {s['key']} | {_n(s['rows'])} | {_s(s['seconds'])} | {_n(s['rows_per_s'])} | {_s(s['floor_seconds'])} | "
                f"{_n(s['floor_rows_per_s'])} | {_s(s['ratio'])}x |"
            )
    lines += [
        "",
        "**Pagina's**, aan de serverkant (AppTest): koud = eerste keer in een vers proces, alle caches leeg; warm = opnieuw (mediaan van 3). "
        "Chromium: van navigeren tot een klaar scherm, lokale modus: eerste bezoek na het starten van de server (koud) en tweede bezoek (warm), "
        "beide in een browser die de app nog nooit zag (lege browsercache: Streamlit laadt 5 MB JavaScript); dan, op de warme server, "
        "een terugkerende bezoeker (browsercache gevuld door een eerder bezoek aan een andere pagina) en naar de pagina gaan via het menu "
        "(mediaan van 3). "
        "pandas: dezelfde bestanden en kerncijfers met pandas, koud.",
        "",
    ]
    chromium = f" Chromium koud / warm / met browsercache / via menu (schaal {big or '?'}) |"
    header = "| pagina | rol |" + "".join(f" schaal {k}: koud / warm |" for k in order) + chromium + " pandas koud | pandas / wij (koud) |"
    lines += [header, "|" + "---|" * (header.count("|") - 1)]
    keys: list[tuple[str, str]] = []
    for k in order:
        for p in scales[k].get("pages", []):
            if (p["page"], p["role"]) not in keys:
                keys.append((p["page"], p["role"]))
    for page, role in keys:
        cells = []
        for k in order:
            row = next((p for p in scales[k].get("pages", []) if p["page"] == page and p["role"] == role), None)
            if row is None:
                cells.append("–")
            elif row.get("error"):
                cells.append("fout")
            else:
                cells.append(f"{_s(row['cold'])} ({_s(row['cold_cpu'])}) / {_s(row['warm'])}")
        chrome = base = ratio = "–"
        if role == "lokaal" and big:
            br = scales[big].get("browser", {}).get("pages", {}).get(page)
            if br:
                chrome = " / ".join(_s(br.get(k)) for k in ("cold", "warm", "cached", "menu"))
            bl = scales[big].get("baseline", {}).get(page)
            ours = next((p for p in scales[big].get("pages", []) if p["page"] == page and p["role"] == role), None)
            if bl and "cold" in bl:
                base = f"{_s(bl['cold'])} ({_s(bl['cold_cpu'])})"
                if ours and ours.get("cold"):
                    ratio = f"{_s(bl['cold'] / ours['cold'], 1)}x"
        lines.append(f"| {page} | {role} | " + " | ".join(cells) + f" | {chrome} | {base} | {ratio} |")
    lines += ["", "**Geheugen van de server** (RSS):", "", "| schaal | in rust | 1 sessie | 10 sessies | na paginabezoeken (groei) |", "|---|---|---|---|---|"]
    for k in order:
        mem = scales[k].get("browser", {}).get("memory")
        if not mem:
            continue
        series = mem.get("after_views", [])
        trail = " → ".join(f"{_n(s['rss_mb'])} MB na {s['views']}" for s in series)
        lines.append(
            f"| {k} | {_n(mem.get('idle_mb'))} MB | {_n(mem.get('one_session_mb'))} MB | {_n(mem.get('ten_sessions_mb'))} MB | "
            f"{trail} ({'+' if mem.get('growth_mb', 0) >= 0 else ''}{_n(mem.get('growth_mb'))} MB over {mem.get('views_measured')} bezoeken) |"
        )
    lines += _starts(scales, order)
    if big:
        lines += ["", f"**Doelen op schaal {big}** (issue 14):", ""]
        e = scales[big]
        b = e.get("build") or {}
        lines.append(f"- bouwen binnen 1,5x de vloer: {_s(b.get('ratio'))}x, {_ok(b.get('ratio'), TARGETS['build_ratio'])} "
                     f"(inlezen, controleren en schrijven alleen: {_s(b.get('ingest_ratio'))}x, {_ok(b.get('ingest_ratio'), TARGETS['build_ratio'])})")
        lines.append(f"- piekgeheugen bouwen hooguit 2 GB: {_n(b.get('peak_rss_mb'))} MB, {_ok(b.get('peak_rss_mb'), TARGETS['build_peak_mb'])}")
        for p in e.get("pages", []):
            if p.get("error"):
                lines.append(f"- {p['page']} ({p['role']}): fout: {p['error'][:200]}")
                continue
            lines.append(
                f"- {p['page']} ({p['role']}): koud {_s(p['cold'])} s ({_ok(p['cold'], TARGETS['cold'])}), warm {_s(p['warm'])} s ({_ok(p['warm'], TARGETS['warm'])})"
            )
        for page, br in (e.get("browser", {}).get("pages") or {}).items():
            lines.append(
                f"- {page} in Chromium, koud (lege browsercache): {_s(br.get('cold'))} s ({_ok(br.get('cold'), TARGETS['render'])}); warm {_s(br.get('warm'))} s; "
                f"met browsercache {_s(br.get('cached'))} s ({_ok(br.get('cached'), TARGETS['render'])}); via het menu {_s(br.get('menu'))} s ({_ok(br.get('menu'), TARGETS['render'])})"
            )
        for page, bl in (e.get("baseline") or {}).items():
            ours = next((p for p in e.get("pages", []) if p["page"] == page and p["role"] == "lokaal"), None)
            if bl.get("cold") and ours and ours.get("cold"):
                r = bl["cold"] / ours["cold"]
                lines.append(f"- {page} sneller dan pandas (koud): {_s(r, 1)}x ({_ok(r, TARGETS['baseline_ratio'], above=True)})")
        mem = e.get("browser", {}).get("memory") or {}
        if mem:
            lines.append(f"- server met 10 sessies hooguit 1,5 GB: {_n(mem.get('ten_sessions_mb'))} MB ({_ok(mem.get('ten_sessions_mb'), TARGETS['rss_ten_mb'])})")
            lines.append(f"- vlak over {mem.get('views_measured')} paginabezoeken: groei {_n(mem.get('growth_mb'))} MB")
    return "\n".join(lines)

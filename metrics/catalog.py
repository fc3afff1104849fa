"""The metric catalog, generated from the declarations, and which page uses which metric.

A page declares what it shows with one call at the top, which also hands it the declarations:

    lasten, jeugdigen = metrics.uses("jeugd", "lasten", "jeugdigen")

The data page lists usage for every page without running them: `used_by()` reads the same
calls from the page sources (ast, nothing executed) and merges what ran in this process.
"""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl

from metrics import registry
from metrics.declarations import Metric
from metrics.definitions import DOMAINS
from metrics.dimensions import DIMENSIONS
from metrics.roles import ROLES

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

_USED: dict[str, set[str]] = {}

DISCLOSURE_TEXT = {
    "persons": (
        "Telt personen (of hun trajecten, aanbieders): voor elke rol behalve databrigade met ruis volgens de celsleutelmethode, "
        "afgerond op 5, minstens 10; 0-7 (ook 0) als 'geheim'. Zie docs/afscherming.md."
    ),
    "amount": (
        "Gaat over een groep personen: voor elke rol behalve databrigade met ruis volgens de celsleutelmethode (euro's afgerond op "
        "€ 1.000), 'geheim' bij 0-7 personen; bedragen over de hele gemeente, alleen naar periode, exact. Zie docs/afscherming.md."
    ),
    "none": "Openbaar of niet tot personen herleidbaar: geen afscherming.",
}


def uses(page: str, *names: str) -> tuple[Metric, ...]:
    """Declare that `page` shows these metrics; returns their declarations (unknown names raise)."""
    found = tuple(registry.get(n) for n in names)
    _USED.setdefault(page, set()).update(names)
    return found


def scan_pages(directory: Path = PAGES_DIR) -> dict[str, set[str]]:
    """page -> metric names, from the `uses("page", "metric", ...)` calls in the page sources."""
    found: dict[str, set[str]] = {}
    for path in sorted(Path(directory).glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError):
            continue  # a page being edited; its own tests report that
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            args = node.args
            if name == "uses" and args and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                found.setdefault(args[0].value, set()).update(a.value for a in args[1:])
    return found


def _kompas(directory: Path) -> dict[str, set[str]]:
    """The home page shows every use case's headline metric (manifest.toml) and the signals of every
    metric with a norm (metrics.signals): it uses them as surely as a `uses(...)` call would."""
    from metrics.manifest import MANIFEST

    home = next(p for p in MANIFEST.pages if p.url_path == "")
    if not (Path(directory) / Path(home.file).name).is_file():
        return {}
    names = {p.headline for p in MANIFEST.pages if p.headline} | {m.name for m in registry.METRICS.values() if m.norm is not None}
    return {home.key: names}


def used_by(directory: Path = PAGES_DIR, *, runtime: bool = True) -> dict[str, tuple[str, ...]]:
    """metric name -> the pages that use it (declared in page sources, and at run time unless
    `runtime` is off: the committed catalog must not depend on what ran in this process)."""
    pages: dict[str, set[str]] = {}
    for source in (scan_pages(directory), _kompas(directory), _USED if runtime else {}):
        for page, names in source.items():
            for n in names:
                pages.setdefault(n, set()).add(page)
    return {n: tuple(sorted(p)) for n, p in pages.items()}


def computation(metric: Metric) -> str:
    """The expression in short technical words (the description says it for controllers)."""
    e = metric.expression
    if e.kind == "ratio":
        factor = f" x {e.factor:g}" if e.factor != 1 else ""
        return f"{e.numerator} / {e.denominator}{factor}"
    if e.kind == "per_capita":
        return f"{e.metric} per {e.per:,} {e.population}".replace(",", ".")
    if e.kind == "derived":
        return f"Python: {e.function}"
    agg = {"sum": "som", "count": "aantal", "count_distinct": "aantal verschillende", "mean": "gemiddelde", "median": "mediaan"}[e.kind]
    text = f"{agg}({e.column or '*'}) uit {registry.MODELS[e.model].table}"
    if e.filters:
        parts = [f"{f.column} {f.op}" + (f" {f.other}" if f.other else "" if f.value is None else f" {f.value!r}") for f in e.filters]
        text += " waar " + " en ".join(parts)
    return text


def frame(directory: Path = PAGES_DIR, *, runtime: bool = True) -> pl.DataFrame:
    """One row per metric, for the data page."""
    usage = used_by(directory, runtime=runtime)
    rows = []
    for m in registry.METRICS.values():
        rows.append(
            {
                "naam": m.name,
                "label": m.label,
                "domein": m.domain,
                "omschrijving": m.description,
                "berekening": computation(m),
                "eenheid": m.unit,
                "eigenaar": m.owner,
                "bronnen": ", ".join(registry.sources(m)),
                "dimensies": ", ".join(DIMENSIONS[d].label for d in m.dimensions),
                "tijd": m.time_grain,
                "hoger_is_beter": {True: "ja", False: "nee", None: "neutraal"}[m.higher_is_better],
                "norm": f"{m.norm.label}" if m.norm else "",
                "afscherming": DISCLOSURE_TEXT[m.disclosure],
                "rollen": ", ".join(ROLES[r].label for r in m.roles),
                "gebruikt_door": ", ".join(usage.get(m.name, ())),
            }
        )
    return pl.DataFrame(rows)


def markdown(directory: Path = PAGES_DIR) -> str:
    table = frame(directory, runtime=False)
    out = [
        "# Metriekcatalogus Datakompas",
        "",
        "Gegenereerd uit de declaraties in `metrics/definitions/` met `python -m metrics catalog --out docs/metrics.md`;",
        "niet met de hand bewerken. Elk getal in de app komt uit een van deze metrics.",
        "",
    ]
    for domain in DOMAINS:
        part = table.filter(pl.col("domein") == domain)
        if part.height == 0:
            continue
        out += [f"## {domain.capitalize()}", "", "| metric | label | eenheid | eigenaar | gebruikt door |", "|---|---|---|---|---|"]
        out += [f"| `{r['naam']}` | {r['label']} | {r['eenheid']} | {r['eigenaar']} | {r['gebruikt_door'] or '–'} |" for r in part.iter_rows(named=True)]
        out.append("")
        for r in part.iter_rows(named=True):
            out += [
                f"### {r['label']} (`{r['naam']}`)",
                "",
                r["omschrijving"],
                "",
                f"- Berekening: `{r['berekening']}`",
                f"- Bronnen: {r['bronnen']}",
                f"- Uit te splitsen naar: {r['dimensies']}",
                f"- Eenheid: {r['eenheid']}; hoger is beter: {r['hoger_is_beter']}" + (f"; {r['norm']}" if r["norm"] else ""),
                f"- Afscherming: {r['afscherming']}",
                f"- Zichtbaar voor: {r['rollen']}",
                f"- Gebruikt door: {r['gebruikt_door'] or '–'}",
                "",
            ]
    return "\n".join(out).rstrip("\n") + "\n"


# ---- lineage and roles ---------------------------------------------------------------------------


def parts(metric: str | Metric) -> tuple[str, ...]:
    """The metric and every metric it is computed from, depth first, each once."""
    seen: dict[str, None] = {}

    def walk(name: str) -> None:
        if name in seen:
            return
        seen[name] = None
        for p in registry.components(registry.get(name)):
            walk(p)

    walk(registry.get(metric).name)
    return tuple(seen)


def lineage(metric: str | Metric, sets: pl.DataFrame, directory: Path = PAGES_DIR) -> pl.DataFrame:
    """From file to table to metric to page: one row per warehouse table the metric reads, with
    the dataset and files that table was built from (sets: metrics.meta.datasets), the metrics
    in between and the pages that show the metric."""
    import json

    from metrics.manifest import MANIFEST

    mt = registry.get(metric)
    chain = parts(mt)
    pages = ", ".join(MANIFEST.page(p).title for p in used_by(directory).get(mt.name, ()) if p in {x.key for x in MANIFEST.pages})
    by_table: dict[str, tuple[str, str, str]] = {}
    for key, title, tables, files in zip(sets["key"].to_list(), sets["title"].to_list(), sets["tables"].to_list(), sets["files"].to_list()):
        for t in (x.strip() for x in (tables or "").split(",") if x.strip()):
            by_table.setdefault(t, (key, title, ", ".join(json.loads(files or "[]"))))
    rows = []
    for table in registry.sources(mt):
        key, title, files = by_table.get(table, (None, None, None))
        via = [p for p in chain if table in registry.sources(p) and registry.get(p).expression.kind not in ("ratio", "per_capita")]
        rows.append(
            {
                "bestanden": files or "(niet geladen)",
                "dataset": title or "(niet geladen)",
                "bron": key or "",
                "tabel": table,
                "via": " → ".join(reversed(via)) if via else mt.name,
                "metric": mt.name,
                "paginas": pages or "–",
            }
        )
    return pl.DataFrame(rows, schema={c: pl.String for c in ("bestanden", "dataset", "bron", "tabel", "via", "metric", "paginas")})


def raci(sets: pl.DataFrame, directory: Path = PAGES_DIR) -> pl.DataFrame:
    """Who owns, stewards and uses which loaded dataset, from the declarations (RACI):
    A accountable = the data-eigenaar and R responsible = the data-steward (the gemeente's settings,
    via the build), C consulted = the owners of the metrics computed from it (they define what its
    figures mean), I informed = the pages that show those metrics and the roles that may see them."""
    from metrics.manifest import MANIFEST

    usage = used_by(directory)
    titles = {p.key: p.title for p in MANIFEST.pages}
    rows = []
    for r in sets.iter_rows(named=True):
        tables = {x.strip() for x in (r.get("tables") or "").split(",") if x.strip()}
        reading = [m for m in registry.METRICS.values() if tables & set(registry.sources(m))]
        pages = sorted({titles[p] for m in reading for p in usage.get(m.name, ()) if p in titles})
        roles = [ROLES[x].label for x in ROLES if any(x in m.roles for m in reading)]
        rows.append(
            {
                "dataset": r["title"],
                "A_eigenaar": r["owner"],
                "R_steward": r["steward"],
                "C_metriceigenaren": ", ".join(sorted({m.owner for m in reading})) or "–",
                "I_paginas": ", ".join(pages) or "–",
                "I_rollen": ", ".join(roles) or "–",
                "metrics": len(reading),
            }
        )
    schema = {c: pl.String for c in ("dataset", "A_eigenaar", "R_steward", "C_metriceigenaren", "I_paginas", "I_rollen")} | {"metrics": pl.Int64}
    return pl.DataFrame(rows, schema=schema)

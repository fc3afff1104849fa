"""Blocks of the Kompas home: a headline per use case, the signals that need attention, and what is
new this sprint (CHANGELOG.md). The figures come from metrics.signals through the page's scoped
engine; this module only draws them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from metrics import format as fmt
from metrics import registry
from metrics import signals as sig
from metrics.manifest import MANIFEST, PageSpec
from ui import router
from ui.report import Report, definition

ROOT = Path(__file__).resolve().parent.parent
CHANGELOG = ROOT / "CHANGELOG.md"

_FRESH_COLOUR = {True: "orange", False: "green"}
_QUALITY_COLOUR = {"pass": "green", "warn": "orange", "fail": "red", None: "gray"}


def _pages_for(r: Report) -> list[PageSpec]:
    """The use cases this role may open (by the manifest), built or not yet built, and the data page."""
    return [p for p in MANIFEST.pages if p.url_path and r.page.user.role in p.roles]


def _visible(r: Report) -> set[str]:
    return {p.key for p in router.visible(r.page.user)}


def _link(r: Report, spec: PageSpec, label: str | None = None) -> None:
    if spec.key in _visible(r):
        st.page_link(str(spec.path), label=label or f"Naar {spec.title}", icon=spec.icon)
    else:
        st.caption(f"De pagina {spec.title} volgt; dit komt al uit de gegevens.")


def badges(badge: sig.Badge) -> str:
    """Freshness and quality of the data behind a figure, as two Markdown badges."""
    fresh = f":{_FRESH_COLOUR[bool(badge.stale)]}-badge[:material/schedule: {badge.freshness_text}]"
    quality = f":{_QUALITY_COLOUR[badge.quality]}-badge[:material/verified: {badge.quality_text}]"
    return f"{fresh} {quality}"


def _headline(r: Report, spec: PageSpec) -> None:
    m = spec.headline
    h = sig.headline(r.engine, m)
    if h is None:
        st.info(r.why_not(m) or f"Er zijn (nog) geen cijfers voor '{registry.get(m).label}' in deze gegevens.", icon=":material/info:")
        return
    percent = h.metric.format in ("procent", "percentage")
    delta = None if h.change is None else (fmt.points(h.change) if percent else fmt.change(h.change))
    st.metric(
        f"{h.metric.label} {h.period.text}" if h.period else h.metric.label,
        h.value_text,
        delta=delta,
        delta_color={True: "normal", False: "inverse", None: "off"}[h.metric.higher_is_better],
        delta_description=f"t.o.v. {h.period.previous}" if delta and h.period else None,
        help=definition(h.metric),
    )
    # The trend in words, not as st.metric's sparkline: that SVG has no text alternative (axe
    # svg-img-alt, serious), and a sentence reads the same to everyone.
    if len(h.trend) > 1:
        (y0, v0), (y1, v1) = h.trend[0], h.trend[-1]
        st.caption(f"Trend over hele jaren: {fmt.value(h.metric, v0)} in {y0}, {fmt.value(h.metric, v1)} in {y1}.")
    st.markdown(badges(h.badge), help="Bronnen: " + (", ".join(h.badge.datasets) or "onbekend"))


def headlines(r: Report) -> None:
    """A card per use case: its headline figure with the trend, the data's freshness and quality,
    and a link to the page (or a plain notice while the page is still being built)."""
    specs = _pages_for(r)
    if not specs:
        return
    r.section("Use cases", "Per use case één kerncijfer met de trend over hele jaren, en hoe actueel en goed de gegevens erachter zijn.")
    for start in range(0, len(specs), 3):
        row = specs[start : start + 3]
        for col, spec in zip(st.columns(3), row):
            with col.container(border=True):
                st.markdown(f"**{spec.title}**")
                if spec.headline:
                    _headline(r, spec)
                else:
                    st.caption(spec.summary)
                _link(r, spec)


def signal_list(r: Report, *, limit: int = 6) -> None:
    """What needs attention now: norms declared with the metrics that are not met, data past its
    refresh date, quality checks that fail. Only what this role may see."""
    page_of_domain = {p.domain: p.key for p in MANIFEST.pages if p.domain}
    found = sig.signals(r.engine, page_of_domain)
    r.section("Signalen", "Wat nu aandacht vraagt: normen bij de metrics die niet gehaald worden, verouderde bronnen en kwaliteitscontroles die falen.")
    if not found:
        st.success("Geen signalen: elke norm die u kunt zien wordt gehaald en de gegevens zijn actueel.", icon=":material/check_circle:")
        return
    pages = {p.key: p for p in MANIFEST.pages}
    for s in found[:limit]:
        icon = ":material/error:" if s.level == "fout" else ":material/warning:"
        with st.container(border=True):
            st.markdown(f"{icon} **{s.title}**  \n{s.text}")
            spec = pages.get(s.page) if s.page else None
            if spec is not None and r.page.user.role in spec.roles:
                _link(r, spec)
    if len(found) > limit:
        st.caption(f"En nog {len(found) - limit} signaal/signalen.")


# ---- CHANGELOG.md ------------------------------------------------------------------------------


@dataclass
class Release:
    title: str  # "Unreleased" or "0.1.0 - 2026-11-27"
    parts: dict[str, list[str]] = field(default_factory=dict)  # "Toegevoegd" -> items


def releases(text: str) -> list[Release]:
    """The sections of a Keep a Changelog file, newest first, with their items."""
    out: list[Release] = []
    part = None
    for line in text.splitlines():
        if m := re.match(r"^## \[([^\]]+)\](.*)$", line):
            out.append(Release((m[1] + m[2]).strip()))
            part = None
        elif (m := re.match(r"^### (.+)$", line)) and out:
            part = m[1].strip()
            out[-1].parts[part] = []
        elif (m := re.match(r"^- (.+)$", line)) and out and part:
            out[-1].parts[part].append(m[1].strip())
        elif line.startswith("  ") and out and part and out[-1].parts[part]:
            out[-1].parts[part][-1] += " " + line.strip()
    return out


def changelog(r: Report, *, path: Path = CHANGELOG, per_part: int = 5) -> None:
    """'Nieuw in deze sprint': the newest section of CHANGELOG.md, for the sprint review."""
    r.section("Nieuw in deze sprint")
    try:
        found = releases(path.read_text(encoding="utf-8"))
    except OSError:
        found = []
    if not found:
        st.info("Er is (nog) geen CHANGELOG.md met wijzigingen.", icon=":material/info:")
        return
    latest = found[0]
    st.caption("Nog niet uitgebracht: wat deze sprint is gebouwd." if latest.title.lower().startswith("unreleased") else f"Versie {latest.title}.")
    for name, items in latest.parts.items():
        if not items:
            continue
        lines = "\n".join(f"- {item}" for item in items[:per_part])
        more = f"\n\n*En nog {len(items) - per_part}; zie CHANGELOG.md.*" if len(items) > per_part else ""
        st.markdown(f"**{name}**\n\n{lines}{more}")

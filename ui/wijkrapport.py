"""The wijkrapport: one A4 page for the lokale driehoek, made with fpdf2 from a wijkprofiel.

The figures come from metrics.veiligheid.wijkprofiel, asked through the user's scoped engine, so
the PDF shows exactly what the page shows to that role (disclosure control included). The two
charts arrive as PNG bytes, rendered in a child process (ui.charts.png), never in this one.

fpdf2's core font (Helvetica) needs no font file on the machine; its text is encoded as
Windows-1252 (WinAnsi), which has the en dash, the euro sign and Dutch accents. A character
outside it becomes "?" rather than failing the download.
"""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF

from metrics import format as fmt
from metrics.veiligheid import Profiel

DARK = (31, 41, 51)
MUTED = (90, 107, 123)
LINE = (214, 221, 228)
HEAD = (29, 92, 140)
CHART_MM = 72  # the height of the chart row: the page must stay one page


def _safe(text: str) -> str:
    return text.encode("cp1252", "replace").decode("cp1252")


class _Rapport(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self._footer = footer
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(False)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=7)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 3.2, _safe(self._footer), new_x="LMARGIN", new_y="NEXT")


def pdf(profiel: Profiel, *, rol: str, charts: tuple[tuple[str, bytes | None], ...], made: dt.date | None = None, demo: bool = False) -> bytes:
    """The wijkrapport as PDF bytes: title, date, wijk, the key figures with their change against
    the year before, two charts (title, PNG), sources and peildatum."""
    made = made or dt.date.today()
    p = profiel
    footer = (
        f"Datakompas · {p.gemeente_naam} · gemaakt op {fmt.date(made)} voor de rol {rol}. Cijfers over personen (jeugdhulp) zijn afgeschermd: "
        "afgerond op vijftallen, 0-7 als 'geheim'. Politiecijfers zijn openbaar (CBS/Politie)."
        + (" DEMODATA: de cijfers zijn gegenereerd, niet echt." if demo else "")
    )
    doc = _Rapport(footer)
    doc.set_title(_safe(f"Wijkrapport {p.wijk_naam} {p.jaar}"))
    doc.set_author("Datakompas")
    doc.set_lang("nl-NL")  # a screen reader reads the report in Dutch
    doc.add_page()
    w = doc.epw

    doc.set_text_color(*HEAD)
    doc.set_font("helvetica", "B", 17)
    doc.cell(w, 8, _safe(f"Wijkrapport veiligheid: {p.wijk_naam}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(*DARK)
    doc.set_font("helvetica", size=9.5)
    doc.cell(
        w, 5, _safe(f"{p.gemeente_naam} · cijfers over {p.jaar} · datum {fmt.date(made)} · peildatum {fmt.date(p.peildatum)} · voor de lokale driehoek"),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    if demo:
        doc.set_text_color(179, 38, 30)
        doc.cell(w, 5, "Demodata: gegenereerde cijfers, niet voor besluiten.", new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(*DARK)
    doc.ln(2)

    # Key figures: the wijk against the gemeente, with the change against the year before.
    widths = (0.36 * w, 0.13 * w, 0.13 * w, 0.2 * w, 0.18 * w)
    heads = ("Kerncijfer", p.wijk_naam if len(p.wijk_naam) <= 18 else "Wijk", "Gemeente", "Vergelijking", f"t.o.v. {p.jaar - 1}")
    doc.set_font("helvetica", "B", 8.5)
    doc.set_fill_color(238, 242, 246)
    doc.set_draw_color(*LINE)
    for width, head, align in zip(widths, heads, "LRRLR"):
        doc.cell(width, 5.6, _safe(head), border="B", align=align, fill=True)
    doc.ln()
    groep = None
    notes: list[str] = []
    for regel in p.regels:
        if regel.groep != groep:
            groep = regel.groep
            doc.set_font("helvetica", "B", 8.5)
            doc.set_text_color(*HEAD)
            doc.cell(w, 5, _safe(groep), new_x="LMARGIN", new_y="NEXT")
            doc.set_text_color(*DARK)
        doc.set_font("helvetica", size=8.5)
        mark = ""
        if regel.opmerking:
            notes.append(f"{regel.onderwerp}: {regel.opmerking}.")
            mark = f" ({len(notes)})"
        for width, text, align in zip(widths, (regel.onderwerp + mark, regel.wijk, regel.gemeente, regel.vergelijking, regel.verandering), "LRRLR"):
            doc.cell(width, 4.8, _safe(text), border="B", align=align)
        doc.ln()
    if notes or p.notities:
        doc.ln(1)
        doc.set_font("helvetica", size=7.5)
        doc.set_text_color(*MUTED)
        for i, note in enumerate(notes, 1):
            doc.multi_cell(w, 3.5, _safe(f"({i}) {note}"), new_x="LMARGIN", new_y="NEXT")
        for note in p.notities:
            doc.multi_cell(w, 3.5, _safe(note), new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(*DARK)

    # Two charts side by side.
    doc.ln(3)
    top = doc.get_y()
    half = (w - 6) / 2
    for i, (title, png) in enumerate(charts[:2]):
        x = doc.l_margin + i * (half + 6)
        doc.set_xy(x, top)
        doc.set_font("helvetica", "B", 9)
        doc.multi_cell(half, 4.2, _safe(title), new_x="LEFT", new_y="NEXT")
        if png:
            doc.image(io.BytesIO(png), x=x, y=doc.get_y() + 1, w=half, h=CHART_MM, keep_aspect_ratio=True, alt_text=_safe(f"Grafiek: {title}"))
        else:
            doc.set_font("helvetica", size=8)
            doc.multi_cell(half, 4, "Geen gegevens voor deze grafiek.", new_x="LEFT", new_y="NEXT")
    doc.set_y(top + CHART_MM + 12)

    # Sources and peildatum.
    doc.ln(2)
    doc.set_font("helvetica", "B", 8.5)
    doc.cell(w, 4.5, "Bronnen", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", size=7.5)
    doc.set_text_color(*MUTED)
    sources = "; ".join(p.bronnen) if p.bronnen else "Geen bronnen geladen."
    doc.multi_cell(w, 3.5, _safe(f"{sources}. Peildatum {fmt.date(p.peildatum)}. "
                                 "Misdrijven en overlast: door de politie geregistreerd (CBS/Politie 47018NED, 47022NED, 47024NED). "
                                 "Een cijfer per 1.000 inwoners is onbetrouwbaar bij minder dan 20 gebeurtenissen of 500 inwoners; "
                                 "het interval is het exacte 95%-interval van Poisson."), new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(doc.output())

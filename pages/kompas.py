"""Kompas: where a sprint review starts. Per use case its headline figure with the trend and the state
of the data behind it, the signals that need attention now, the gemeente at a glance, what is new
this sprint, and what data the app stands on. Names come from the build, never from code."""

from metrics import uses
from ui import blocks_kompas, report
from ui.report import Col, Fig, Tile

inwoners, woningen, inwoners_0_17, misdrijven_per_1000 = uses("kompas", "inwoners", "woningen", "inwoners_0_17", "misdrijven_per_1000")

r = report.page("kompas", "In één oogopslag: per use case het kerncijfer, wat nu aandacht vraagt, de gemeente per wijk, en de gegevens waar het op draait.")
gemeente = r.page.gemeente if r.page.build else "De gemeente"  # Markdown-escaped: it goes into headings

blocks_kompas.headlines(r)
blocks_kompas.signal_list(r)

jaar = None if r.missing(inwoners) else r.latest_year(inwoners)
if jaar is not None:
    r.at(jaar=jaar)
    r.section(f"{gemeente} op 1 januari {jaar}")
    misdrijven_jaar = r.latest_year(misdrijven_per_1000, before=r.engine.info.peildatum.year)
    r.tiles(
        [
            Tile(inwoners, note=f"Verschil met 1 januari {jaar - 1}."),
            Tile(woningen, note=f"Verschil met 1 januari {jaar - 1}."),
            Tile(inwoners_0_17, note=f"Verschil met 1 januari {jaar - 1}."),
            Tile(
                misdrijven_per_1000,
                label="Misdrijven per 1.000 inw.",
                where={"jaar": misdrijven_jaar},
                note=f"Laatste volledige jaar: {misdrijven_jaar}. Verschil met {misdrijven_jaar - 1}." if misdrijven_jaar else None,
                delta_description="",
            ),
        ],
        columns=4,
    )

    # The map shows where, the table beside it the numbers (sortable, with last year and the share);
    # a bar chart of the same numbers would be one more chart for the browser to draw and tell nothing new.
    r.section("Inwoners per wijk", f"Op 1 januari {jaar}; de kaart en de tabel tonen elke wijk van de gemeente.")
    left, right = r.columns([1, 2])
    with left:
        r.map(Fig(inwoners), level="wijk", title=f"Inwoners per wijk, {jaar}")
    with right:
        r.table("wijk", [Col(inwoners, compare=("vorig_jaar", "aandeel"))], name=f"Inwoners per wijk {jaar}", height=455)

blocks_kompas.changelog(r)

r.section("Geladen gegevens")
r.datasets()

"""Dutch formatting through babel: the exact strings users see on pages and in downloads."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import polars as pl
import pytest

from metrics import format as fmt


@pytest.mark.parametrize(
    ("metric", "value", "text"),
    [
        ("inwoners", 1234, "1.234"),
        ("inwoners", 133_128, "133.128"),
        ("aandeel_binnen_norm", 0.125, "12,5%"),
        ("cbs_pct_jongeren_jeugdzorg", 10, "10,0%"),
        ("lasten", 1_234_567, "€ 1,2 mln"),
        ("lasten", 12_500_000, "€ 12,5 mln"),
        ("lasten", 2_300_000_000, "€ 2,3 mld"),
        ("lasten", 850_000, "€ 850.000"),
        ("lasten", -1_200_000, "-€ 1,2 mln"),
        ("kosten_per_jeugdige", 12_345.6, "€ 12.346"),
        ("kosten_per_jeugdige", 1_234_567, "€ 1.234.567"),
        ("misdrijven_per_1000", 51.28, "51,3"),
        ("doorlooptijd", 4.25, "4,2 werkdagen"),
        ("afhandeltijd", 6, "6,0 dagen"),
    ],
)
def test_values(metric, value, text):
    assert fmt.value(metric, value) == text


def test_hidden_and_missing():
    assert fmt.value("jeugdigen", None, geheim=True) == "geheim"
    assert fmt.value("jeugdigen", 10, geheim=True) == "geheim"
    assert fmt.value("jeugdigen", None) == "–"
    assert fmt.value("jeugdigen", float("nan")) == "–"


def test_dates_months_and_changes():
    assert fmt.date(dt.date(2026, 3, 3)) == "3 mrt 2026"
    assert fmt.month(2025, 10) == "okt 2025"
    assert fmt.change(0.125) == "+12,5%"
    assert fmt.change(-0.05) == "-5,0%"
    assert fmt.change(None) == "–"


def query_result() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "wijk": ["WK019310", "WK019311"],
            "wijk_label": ["Wijk 10 Binnenstad", "Wijk 11 Diezerpoort"],
            "waarde": [1_234_567.0, None],
            "geheim": [False, True],
            "vorig_jaar": [1_000_000.0, 20_000.0],
            "vorig_jaar_geheim": [False, False],
            "verschil": [234_567.0, None],
            "verschil_pct": [0.234567, None],
        }
    )


def test_display_frame_for_tables_and_downloads():
    shown = fmt.display_frame("lasten", query_result())
    assert shown.columns == ["Wijk", "Lasten jeugdhulp (euro)", "Zelfde periode vorig jaar", "Verschil", "Verschil (%)"]
    assert shown.row(0) == ("Wijk 10 Binnenstad", "€ 1,2 mln", "€ 1 mln", "€ 234.567", "+23,5%")
    assert shown.row(1) == ("Wijk 11 Diezerpoort", "geheim", "€ 20.000", "geheim", "geheim")


def test_csv_and_excel_use_the_same_text():
    data = fmt.csv_bytes("lasten", query_result())
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Wijk;Lasten jeugdhulp (euro);Zelfde periode vorig jaar;Verschil;Verschil (%)"
    assert lines[2] == "Wijk 11 Diezerpoort;geheim;€ 20.000;geheim;geheim"
    with zipfile.ZipFile(io.BytesIO(fmt.excel_bytes("lasten", query_result()))) as xlsx:
        strings = xlsx.read("xl/sharedStrings.xml").decode("utf-8")
    assert all(f">{s}<" in strings for s in ("Lasten jeugdhulp (euro)", "€ 1,2 mln", "geheim", "Wijk 11 Diezerpoort"))

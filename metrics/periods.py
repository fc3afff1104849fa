"""Period filters pages need, as `where` values (so "year to date" means the same everywhere)."""

from __future__ import annotations


def year_to_date(jaar: int, through_month: int) -> dict[str, object]:
    """January up to and including `through_month` of `jaar`; with compare="vorig_jaar" the
    engine compares the same months of the previous year."""
    if not 1 <= through_month <= 12:
        raise ValueError(f"maand {through_month} bestaat niet")
    return {"jaar": jaar, "maand": list(range(1, through_month + 1))}

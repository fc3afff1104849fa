"""Period filters pages need, as `where` values (so "year to date" means the same everywhere)."""

from __future__ import annotations

import datetime as dt


def year_to_date(jaar: int, through_month: int) -> dict[str, object]:
    """January up to and including `through_month` of `jaar`; with compare="vorig_jaar" the
    engine compares the same months of the previous year."""
    if not 1 <= through_month <= 12:
        raise ValueError(f"maand {through_month} bestaat niet")
    return {"jaar": jaar, "maand": list(range(1, through_month + 1))}


def same_day_last_year(day: dt.date) -> dt.date:
    """The same date one year earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def last_complete_month(peildatum: dt.date) -> tuple[int, int]:
    """(jaar, maand) of the last complete month of care at the peildatum.

    The peildatum's own month has barely started (the demo's peildatum is its first day), so
    "up to and including the peildatum's month" would mix a full year with a few days. On the last
    day of a month that month is complete."""
    if (peildatum + dt.timedelta(days=1)).day == 1:
        return peildatum.year, peildatum.month
    last = peildatum.replace(day=1) - dt.timedelta(days=1)
    return last.year, last.month

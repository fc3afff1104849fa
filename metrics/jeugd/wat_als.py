"""What-if on the year-end forecast: a tariff change, more or less instroom, longer or shorter trajecten.

A pure calculation on the forecast's own parts (`prognose.Forecast`): nothing is read again and
nothing is estimated again, so the unchanged scenario gives exactly the forecast, and every
difference can be traced to one assumption:

- realised (declared) and expected_lag (care up to the peildatum still to be declared) do not
  change: that care has been given at the price of its time;
- expected_known (known toewijzingen, for the months after the peildatum) x (1 + tariff change)
  for the days from the tariff's start;
- expected_new (toewijzingen that start after the peildatum): per group, start month and month,
  starts x (1 + instroom change) x cost x (1 + tariff change from its start) x the share of the
  month a starter runs, with every new toewijzing lasting (1 + length change) times as long: the
  survival curve stretched in time (`looptijd.occupancy`). A longer periodic toewijzing costs
  more per month it is still running; a budget (totaal) of the same amount is spent more slowly.

Public API
    s = Scenario(tarief_pct=5, instroom_pct=10, looptijd_maanden=2)    # or looptijd_pct=...
    s = Scenario.from_params({"tarief": "5", "instroom": "10", "duur": "2"})   # from the URL
    r = wat_als(fc, s, begroting=12_500_000)
    r.prognose, r.prognose_scenario, r.saldo, r.saldo_scenario, r.aannames, r.tekst
    r.months     # month, prognose, prognose_scenario, verschil (per month of care)
    r.frame()    # one row: the figures above, for a table or disclosure control
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl
from babel.numbers import format_decimal

from metrics.jeugd import looptijd, maanden

if TYPE_CHECKING:
    from metrics.jeugd.prognose import Forecast

# Bounds a controller can reasonably ask about; beyond them the parts of the forecast no longer
# describe the year (a stretch of 5x is a different youth-care system).
LIMITS = {"tarief_pct": (-50.0, 100.0), "instroom_pct": (-100.0, 200.0), "looptijd_pct": (-75.0, 300.0), "looptijd_maanden": (-24.0, 48.0)}
PARAMS = {"tarief": "tarief_pct", "instroom": "instroom_pct", "duur": "looptijd_maanden", "duur_pct": "looptijd_pct", "tarief_vanaf": "tarief_vanaf"}


def _num(x: float, fmt: str = "0.#") -> str:
    return format_decimal(x, format=fmt, locale="nl_NL")


_eur, _date = maanden.eur, maanden.date


@dataclass(frozen=True)
class Scenario:
    """The assumptions of a what-if. Percentages as numbers: 5 means +5%, -10 means -10%.

    tarief_pct: tariff change for care from `tarief_vanaf` (default: the first day after the
    peildatum's month). instroom_pct: change in the number of new toewijzingen per month.
    looptijd_pct or looptijd_maanden (not both): change in the average length of new
    toewijzingen, relative or in months."""

    tarief_pct: float = 0.0
    instroom_pct: float = 0.0
    looptijd_pct: float | None = None
    looptijd_maanden: float | None = None
    tarief_vanaf: dt.date | None = field(default=None)

    def __post_init__(self) -> None:
        if self.looptijd_pct is not None and self.looptijd_maanden is not None:
            raise ValueError("geef de verandering van de duur als percentage of in maanden, niet allebei")
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, (int, float)) or math.isnan(value) or not low <= value <= high:
                raise ValueError(f"{name} moet een getal tussen {_num(low)} en {_num(high)} zijn, niet {value!r}")

    @property
    def unchanged(self) -> bool:
        return self.tarief_pct == 0 and self.instroom_pct == 0 and not self.looptijd_pct and not self.looptijd_maanden

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Scenario:
        """From query parameters (tarief, instroom, duur in maanden or duur_pct, tarief_vanaf as
        JJJJ-MM-DD); a decimal comma is accepted. Raises ValueError with a Dutch message."""
        kwargs: dict[str, object] = {}
        for key, name in PARAMS.items():
            raw = params.get(key)
            if raw in (None, ""):
                continue
            if name == "tarief_vanaf":
                try:
                    kwargs[name] = dt.date.fromisoformat(str(raw))
                except ValueError as exc:
                    raise ValueError(f"{key} moet een datum JJJJ-MM-DD zijn, niet {raw!r}") from exc
                continue
            try:
                kwargs[name] = float(str(raw).replace(",", "."))
            except ValueError as exc:
                raise ValueError(f"{key} moet een getal zijn, niet {raw!r}") from exc
        return cls(**kwargs)

    def to_params(self) -> dict[str, str]:
        """The non-default assumptions as query parameters (the inverse of from_params)."""
        out = {}
        for key, name in PARAMS.items():
            value = getattr(self, name)
            if value in (None, 0, 0.0):
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else f"{value:g}"
        return out


@dataclass(frozen=True)
class WatAls:
    """The forecast with and without the scenario; amounts in euro. saldo: over- (positive) or
    underspend against the begroting (None without one). months: per month of care the forecast,
    the forecast in the scenario and the difference. aannames: the assumptions in Dutch, one
    sentence each; tekst: the result in one Dutch paragraph."""

    year: int
    peildatum: dt.date
    scenario: Scenario
    prognose: float
    prognose_scenario: float
    begroting: float | None
    months: pl.DataFrame
    aannames: tuple[str, ...]
    tekst: str

    @property
    def verschil(self) -> float:
        return self.prognose_scenario - self.prognose

    @property
    def saldo(self) -> float | None:
        return None if self.begroting is None else self.prognose - self.begroting

    @property
    def saldo_scenario(self) -> float | None:
        return None if self.begroting is None else self.prognose_scenario - self.begroting

    def frame(self) -> pl.DataFrame:
        """One row: jaar, prognose, prognose_scenario, verschil, begroting, saldo, saldo_scenario."""
        return pl.DataFrame(
            [
                {
                    "jaar": self.year,
                    "prognose": self.prognose,
                    "prognose_scenario": self.prognose_scenario,
                    "verschil": self.verschil,
                    "begroting": self.begroting,
                    "saldo": self.saldo,
                    "saldo_scenario": self.saldo_scenario,
                }
            ],
            schema={"jaar": pl.Int64, **{c: pl.Float64 for c in ("prognose", "prognose_scenario", "verschil", "begroting", "saldo", "saldo_scenario")}},
        )


def _stretch(fc: Forecast, scenario: Scenario) -> tuple[float, float | None]:
    """The factor every new toewijzing lasts longer, and the mean length in days of a new one now
    (weighted by how many start per month; None without new toewijzingen)."""
    starts = fc.parts.starts
    mean = None
    if starts.height:
        # Weighted by how many start; where those counts are hidden (disclosure control), alike.
        weight = starts["per_month"].fill_null(0.0) if starts["per_month"].null_count() == 0 else pl.Series([1.0] * starts.height)
        if float(weight.sum()) > 0:
            mean = float((weight * starts["lengte"]).sum() / weight.sum())
    if scenario.looptijd_maanden:
        if mean is None:
            return 1.0, None
        days = scenario.looptijd_maanden * looptijd.MONTH_DAYS
        if mean + days <= 0:
            raise ValueError(
                f"nieuwe toewijzingen duren nu gemiddeld {_num(mean / looptijd.MONTH_DAYS, '0.0')} maanden; "
                f"{_num(-scenario.looptijd_maanden)} maanden korter kan niet"
            )
        return (mean + days) / mean, mean
    return 1 + (scenario.looptijd_pct or 0.0) / 100, mean


def _from(fc: Forecast, scenario: Scenario) -> dt.date:
    first = maanden.month_start(maanden.mi(fc.peildatum) + 1)
    start = scenario.tarief_vanaf or first
    if start <= fc.peildatum:
        raise ValueError(
            f"een tariefwijziging in de wat-als geldt voor zorg na de peildatum ({_date(fc.peildatum)}); kies een datum daarna"
        )
    return start


def _share_from(start: dt.date) -> pl.Expr:
    """Per month (mi): the share of its days on or after `start` (0 before its month, 1 after)."""
    days = maanden.days_expr(pl.col("mi")).cast(pl.Float64)
    from_day = (maanden.end_expr(pl.col("mi")) - pl.lit(start)).dt.total_days().cast(pl.Float64) + 1
    return pl.when(pl.col("mi") < maanden.mi(start)).then(0.0).when(pl.col("mi") > maanden.mi(start)).then(1.0).otherwise(from_day / days)


def wat_als(fc: Forecast, scenario: Scenario, begroting: float | None = None) -> WatAls:
    """The forecast `fc` recomputed under `scenario`, next to the unchanged one (see the module text)."""
    stretch, mean = _stretch(fc, scenario)
    start = _from(fc, scenario)
    t, i = scenario.tarief_pct / 100, scenario.instroom_pct / 100
    base = fc.months.with_columns(mi=maanden.expr("month"))

    # Per month the change of the parts, added to the month's forecast: only the parts that the
    # scenario moves are recomputed (and a forecast under disclosure control stays protected).
    known = fc.parts.known.with_columns(factor=t * _share_from(start)).group_by("mi").agg(known=(pl.col("bedrag") * pl.col("factor")).sum())
    new = fc.parts.new
    amount = pl.col("aantal") * pl.col("kosten") * pl.col("deel")
    if stretch != 1.0 and new.height:
        months = int(new["k"].max()) + 1
        occupancy = looptijd.occupancy(fc.parts.curves, fc.parts.starts, months, stretch=stretch).select("groep", "pool", "k", bezetting_scenario="bezetting")
        new = new.join(occupancy, on=["groep", "pool", "k"], how="left").with_columns(pl.col("bezetting_scenario").fill_null(0.0))
    else:
        new = new.with_columns(bezetting_scenario=pl.col("bezetting"))
    new = new.with_columns(factor=(1 + i) * (1 + t * _share_from(start))).group_by("mi").agg(
        new=(amount * (pl.col("bezetting_scenario") * pl.col("factor") - pl.col("bezetting"))).sum()
    )
    months = (
        base.join(known, on="mi", how="left")
        .join(new, on="mi", how="left")
        .with_columns(pl.col("known", "new").fill_null(0.0))
        .select("month", prognose=pl.col("total"), verschil=pl.col("known") + pl.col("new"))
        .with_columns(prognose_scenario=pl.col("prognose") + pl.col("verschil"))
        .select("month", "prognose", "prognose_scenario", "verschil")
    )
    total = fc.total
    changed = total + float(months["verschil"].sum())
    aannames = _assumptions(fc, scenario, start, stretch, mean)
    return WatAls(fc.year, fc.peildatum, scenario, total, changed, begroting, months, aannames, _text(fc, total, changed, begroting, aannames))


def _pct(x: float) -> str:
    return ("+" if x > 0 else "") + _num(x, "0.#") + "%"


def _assumptions(fc: Forecast, scenario: Scenario, start: dt.date, stretch: float, mean: float | None) -> tuple[str, ...]:
    out = []
    if scenario.tarief_pct:
        out.append(
            f"Tarieven {_pct(scenario.tarief_pct)} vanaf {_date(start)}, voor de zorg die dan nog geleverd wordt "
            "(lopende en nieuwe toewijzingen)."
        )
    starts = fc.parts.starts
    # Hidden under disclosure control when few started: then the sentence goes without the count.
    per_month = float(starts["per_month"].sum()) if starts.height and starts["per_month"].null_count() == 0 else None
    if scenario.instroom_pct:
        more = "meer" if scenario.instroom_pct > 0 else "minder"
        counts = (
            f": gemiddeld {_num(per_month * (1 + scenario.instroom_pct / 100), '0')} in plaats van {_num(per_month, '0')} per maand"
            if per_month is not None
            else ""
        )
        out.append(f"{_num(abs(scenario.instroom_pct))}% {more} nieuwe toewijzingen per maand dan in het afgelopen jaar (ook verlengingen){counts}.")
    if stretch != 1.0 and mean is not None:
        now, then = mean / looptijd.MONTH_DAYS, mean * stretch / looptijd.MONTH_DAYS
        word = "langer" if stretch > 1 else "korter"
        out.append(
            f"Nieuwe toewijzingen duren gemiddeld {_num(abs(then - now), '0.0')} maanden {word}: {_num(then, '0.0')} in plaats van "
            f"{_num(now, '0.0')} maanden (een budget voor de hele looptijd wordt over die langere of kortere tijd besteed)."
        )
    if not out:
        out.append("Geen veranderingen: de prognose zoals die is.")
    out.append(
        f"Wat al gedeclareerd is en de zorg tot en met de peildatum ({_date(fc.peildatum)}) blijven gelijk; de rest van de "
        "prognose (aantallen, benutting, hoe lang toewijzingen lopen) ook."
    )
    return tuple(out)


def _text(fc: Forecast, total: float, changed: float, begroting: float | None, aannames: tuple[str, ...]) -> str:
    diff = changed - total
    if abs(diff) < 0.5:
        text = f"In dit scenario blijft de prognose {fc.year} {_eur(total)}."
    else:
        word = "hoger" if diff > 0 else "lager"
        text = f"In dit scenario wordt de prognose {fc.year} {_eur(changed)} in plaats van {_eur(total)}: {_eur(abs(diff))} {word}."
    if begroting is not None:
        before, after = total - begroting, changed - begroting

        def saldo(x: float) -> str:
            return f"een overschrijding van {_eur(x)}" if x > 0 else f"een onderschrijding van {_eur(-x)}"

        text += f" Tegenover de begroting van {_eur(begroting)} is dat {saldo(after)} (zonder scenario {saldo(before)})."
    return text + " Aannames: " + " ".join(aannames)

"""How declarations come in, per aanbieder, and which aanbieder is behind.

Completion shares: which share of a month of care's eventual amount is in k months after that
month (k = 0: at the peildatum in the month of care itself). Estimated on the complete months (at
least `max_lag` months old) of the `history` months before, per aanbieder, because aanbieders
differ: a large one that declares quarterly must not set the pace for all. Two guards:

- Robust over time: the shares are the median over yearly blocks of reference months, so one year
  in which an aanbieder was late does not make the next years expect it late again (with three
  blocks, one odd year is outvoted).
- Robust for small aanbieders: an aanbieder's own shares are mixed with everyone's in proportion
  n / (n + PRIOR_MONTHS), n its declaration lines (about its toewijzing-months) in the reference
  period.

Late aanbieder: per aanbieder and month of care the declarations expected by now are
share(age) x expected amount (its toewijzingen x its utilisation). A run of months of care
(where the usual share in is at least WINDOW_SHARE) that got clearly less than that, with a
material shortfall, is a late period (`late`): the forecast then expects its toewijzingen' full
amount for those months instead of what its usual lag would still add (`fill`), and `signals`
names the aanbieder and the months.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from metrics.jeugd import maanden
from metrics.jeugd.maanden import Frame

POOLED = "*"
PRIOR_MONTHS = 200.0
BLOCK_MONTHS = 12
MIN_BLOCK_MONTHS = 6
WINDOW_SHARE = 0.25
LATE_RATIO = 0.8
LOOSE_RATIO = 0.95
LATE_MIN_OWN = 0.1
LATE_MIN_ALL = 0.005
# A month belongs to the late period when at least this share of its expected amount is missing.
MONTH_SHORT = 0.1
LATE_WINDOW = 12  # months of care (up to the peildatum's) looked at for lateness


def age_in(peildatum: dt.date, prefix: str = "") -> pl.Expr:
    """Age (months after the month of care) at which a line counts as in, seen from the peildatum's
    day: its lag in months, one more if it came later in that month than the peildatum's day.
    prefix "first_": of the first line of its toewijzing-month."""
    late_in_month = (pl.col(f"{prefix}sub_day") > maanden.day_limit(peildatum)).cast(pl.Int32)
    return (pl.col(f"{prefix}sub_mi") - pl.col("mi") + late_in_month).clip(lower_bound=0)


def submitted_by(frame: pl.DataFrame, cut: dt.date) -> pl.DataFrame:
    """The rows of `frame` (sorted by ingediend_op, nulls last) submitted by `cut`: a slice, not a filtered copy."""
    dated = frame["ingediend_op"].head(frame.height - frame["ingediend_op"].null_count())  # no date: never in
    return frame.slice(0, int(dated.search_sorted(cut, side="right")))


def _submitted(column: str, prefix: str = "") -> dict[str, pl.Expr]:
    """The month index and day of a submission date, as `age_in` reads them."""
    return {f"{prefix}sub_mi": maanden.expr(column), f"{prefix}sub_day": pl.col(column).dt.day().cast(pl.Int32)}


class Summed(NamedTuple):
    """Declaration lines summed once to what `shares` needs, each frame sorted by submission date
    so that what was in at a peildatum is a slice (`by`): far fewer rows than the lines.

    days: per aanbieder, month of care (mi), submission day (ingediend_op, sub_mi, sub_day) and
    whether the lines belong to a known toewijzing (linked): their amount (bedrag) and number (n).
    later: the lines of a known toewijzing-month after its first line, per month of care, own
    submission day and that of the first line (first_sub_mi, first_sub_day): their amount. A
    toewijzing-month mostly comes in one line, so these are few."""

    days: pl.DataFrame
    later: pl.DataFrame

    @classmethod
    def of(cls, lines: pl.DataFrame) -> Summed:
        """lines: tid, aanbieder, mi, ingediend_op, bedrag, sorted by mi, tid and ingediend_op (nulls
        last): a toewijzing-month's first line is where tid or mi changes."""
        first = pl.col("tid").ne_missing(pl.col("tid").shift(1)) | pl.col("mi").ne_missing(pl.col("mi").shift(1))
        flagged = lines.lazy().with_columns(linked=pl.col("tid").is_not_null(), first=first)
        days = flagged.group_by("aanbieder", "mi", "ingediend_op", "linked").agg(pl.col("bedrag").sum(), n=pl.len())
        later = flagged.filter(pl.col("linked") & ~pl.col("first"))
        firsts = flagged.filter(pl.col("linked") & pl.col("first")).join(later.select("tid", "mi"), on=["tid", "mi"], how="semi")
        later = later.join(firsts.select("tid", "mi", first_in="ingediend_op"), on=["tid", "mi"]).group_by("mi", "ingediend_op", "first_in").agg(
            pl.col("bedrag").sum()
        )
        # The submission month and day, which say at what age a line is in (`age_in`), on these few rows.
        days = days.with_columns(pl.col("aanbieder").cast(pl.String), **_submitted("ingediend_op"))
        later = later.with_columns(**_submitted("ingediend_op"), **_submitted("first_in", "first_")).drop("first_in")
        days, later = pl.collect_all([f.sort("ingediend_op", "mi", nulls_last=True) for f in (days, later)])
        return cls(days, later)

    def by(self, cut: dt.date) -> Summed:
        """What was in by `cut` (ingediend_op <= cut)."""
        return Summed(submitted_by(self.days, cut), submitted_by(self.later, cut))


def shares(summed: Summed, peildatum: dt.date, max_lag: int, history: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Completion shares per aanbieder, the reference months' eventual amounts, and how complete
    a toewijzing-month with lines in is by age (`line_completion`).

    summed: the lines in by the peildatum (`Summed`). Returns (shares: aanbieder, k, own, s,
    weight; with aanbieder POOLED for all together), (eventual: aanbieder, mi, bedrag, n for the
    complete reference months) and (cc: k, cc)."""
    p = maanden.mi(peildatum)
    in_ref = pl.col("mi").is_between(p - max_lag - history + 1, p - max_lag)
    ref = summed.days.filter(in_ref).with_columns(k=age_in(peildatum).cast(pl.Int32))
    # The lines once per aanbieder, month and age; everything after works on these few rows.
    # Lines, not distinct toewijzingen, are counted (n): a month mostly comes in one line, and this
    # only weighs how much an aanbieder's own shares count. Both in one pass over the lines.
    per_age = ref.group_by("aanbieder", "mi", "k").agg(amount=pl.col("bedrag").sum(), n=pl.col("n").sum())
    by_age = per_age.select("aanbieder", "mi", "k", "amount")
    by_age = pl.concat([by_age, by_age.group_by("mi", "k").agg(pl.col("amount").sum()).select(pl.lit(POOLED).alias("aanbieder"), "mi", "k", "amount")])
    counts = per_age.group_by("aanbieder", "mi").agg(pl.col("n").sum())
    counts = pl.concat([counts, counts.group_by("mi").agg(pl.col("n").sum()).select(pl.lit(POOLED).alias("aanbieder"), "mi", "n")])
    eventual = by_age.group_by("aanbieder", "mi").agg(bedrag=pl.col("amount").sum()).join(counts, on=["aanbieder", "mi"], how="left")
    # The rest as lazy queries on these few rows, collected together: some thirty small steps
    # that eagerly cost a collect each. by_age and eventual are made eagerly above: a lazy plan
    # would make them again for every query that reads them.
    result = eventual
    by_age, eventual = by_age.lazy(), eventual.lazy()
    block = ((p - max_lag - pl.col("mi")) // BLOCK_MONTHS).alias("block")
    per_block = eventual.filter(pl.col("bedrag") != 0).group_by("aanbieder", block).agg(total=pl.col("bedrag").sum(), months=pl.len())
    # The oldest block may be short; keep it only when it is the only one.
    n_blocks = per_block.group_by("aanbieder").agg(blocks=pl.len())
    per_block = per_block.join(n_blocks, on="aanbieder").filter((pl.col("months") >= MIN_BLOCK_MONTHS) | (pl.col("blocks") == 1))
    block_age = by_age.with_columns(block).group_by("aanbieder", "block", "k").agg(pl.col("amount").sum())
    ks = pl.DataFrame({"k": pl.int_range(0, max_lag, eager=True).cast(pl.Int32)})
    cum = (
        per_block.join(ks.lazy(), how="cross")
        .join(block_age, on=["aanbieder", "block", "k"], how="left")
        .sort("aanbieder", "block", "k")
        .with_columns(share=pl.col("amount").fill_null(0.0).cum_sum().over("aanbieder", "block") / pl.col("total"))
    )
    own = cum.group_by("aanbieder", "k").agg(own=pl.col("share").median())
    n = eventual.group_by("aanbieder").agg(n=pl.col("n").sum())
    pooled = own.filter(pl.col("aanbieder") == POOLED).select("k", pooled="own")
    out = (
        own.join(pooled, on="k", how="left")
        .join(n, on="aanbieder", how="left")
        .with_columns(weight=pl.when(pl.col("aanbieder") == POOLED).then(1.0).otherwise(pl.col("n") / (pl.col("n") + PRIOR_MONTHS)))
        .with_columns(s=pl.col("weight") * pl.col("own") + (1 - pl.col("weight")) * pl.col("pooled").fill_null(pl.col("own")))
        .select("aanbieder", pl.col("k").cast(pl.Int32), "own", "s", "weight")
        .sort("aanbieder", "k")
    )
    cc = _line_completion(ref, summed.later.lazy().filter(in_ref), by_age.filter(pl.col("aanbieder") == POOLED), ks, peildatum)
    out, cc = pl.collect_all([out, cc], engine=maanden.ENGINE)
    return out, result, cc


def _line_completion(ref: pl.DataFrame, later: pl.LazyFrame, by_age: pl.LazyFrame, ks: pl.DataFrame, peildatum: dt.date) -> pl.LazyFrame:
    """Per age k: of the toewijzing-months that have any line in by age k, which share of their
    eventual amount is in by then (k, cc). 1 where a month comes in one line (the usual iJw
    declaration); less where aanbieders split a month over several submissions. The price level
    is read from toewijzing-months with lines in: this says how complete such a month already is.

    From the complete reference months, like the completion shares:
    cc(k) = (amount in by age k) / (eventual amount of the toewijzing-months with a line by age k).
    A toewijzing-month counts from the age of its first line: the lines of known toewijzingen by
    their own age, with the later lines (`Summed.later`) moved to the age of their month's first."""
    if ref.is_empty():
        return ks.lazy().with_columns(cc=pl.lit(1.0))
    own = ref.lazy().filter("linked").group_by("k").agg(den=pl.col("bedrag").sum())
    moved = pl.concat([
        later.group_by(k=age_in(peildatum).cast(pl.Int32)).agg(den=-pl.col("bedrag").sum()),
        later.group_by(k=age_in(peildatum, "first_").cast(pl.Int32)).agg(den=pl.col("bedrag").sum()),
    ])  # fmt: skip
    den = pl.concat([own, moved]).group_by("k").agg(pl.col("den").sum())
    num = by_age.group_by("k").agg(num=pl.col("amount").sum())
    return (
        ks.lazy().join(num, on="k", how="left")
        .join(den, on="k", how="left")
        .sort("k")
        .select("k", cc=(pl.col("num").fill_null(0.0).cum_sum() / pl.col("den").fill_null(0.0).cum_sum()).fill_nan(1.0).fill_null(1.0).clip(0.05, 2.0))
    )


def share_of(shares_frame: pl.DataFrame, frame: Frame, max_lag: int) -> Frame:
    """`frame` (aanbieder, age; eager or lazy) with column `s`: the aanbieder's completion share at
    that age (everyone's for an aanbieder without history; 0 before the month, 1 from `max_lag` on)."""
    pooled = shares_frame.lazy().filter(pl.col("aanbieder") == POOLED).select(pl.col("k").alias("age"), pl.col("s").alias("_pooled"))
    own = shares_frame.lazy().select("aanbieder", pl.col("k").alias("age"), pl.col("s").alias("_own"))
    if isinstance(frame, pl.DataFrame):
        pooled, own = pooled.collect(), own.collect()
    got = frame.join(own, on=["aanbieder", "age"], how="left", maintain_order="left").join(pooled, on="age", how="left", maintain_order="left")
    return got.with_columns(
        s=pl.when(pl.col("age") < 0)
        .then(0.0)
        .when(pl.col("age") >= max_lag)
        .then(1.0)
        .otherwise(pl.coalesce("_own", "_pooled", pl.lit(1.0)))
    ).drop("_own", "_pooled")


def late(per_month: pl.DataFrame) -> pl.DataFrame:
    """Which aanbieders are late, for which months of care, and by how much.

    per_month: aanbieder, naam, mi, age, expected (eventual amount implied by the toewijzingen),
    s (completion share at that age), declared (in by the peildatum), for the last LATE_WINDOW
    months of care. A late period is a run of consecutive months in which the aanbieder has in
    less than LOOSE_RATIO of what it usually has by now, holding months with at most LATE_RATIO
    whose shortfall is material (LATE_MIN_OWN of the aanbieder's expectation over the window,
    LATE_MIN_ALL of everyone's). A run anywhere in the window counts: an aanbieder that declares
    new months on time again may still owe the months before. Returns per_month with `by_now`
    (s x expected), `short` (what is missing of that), `late` (the month is in a late period) and
    `fill` (the missing amount the forecast adds: `short` in a late period, else 0)."""
    # Three collects instead of a dozen eager steps on these few rows.
    m = per_month.lazy().sort("aanbieder", "mi").with_columns(by_now=pl.col("s") * pl.col("expected"))
    m = m.with_columns(short=(pl.col("by_now") - pl.col("declared")).clip(lower_bound=0.0))
    window = (pl.col("s") >= WINDOW_SHARE) & (pl.col("by_now") > 0)
    m = m.with_columns(
        _win=window,
        _strict=window & (pl.col("declared") <= LATE_RATIO * pl.col("by_now")),
        _loose=window & (pl.col("declared") < LOOSE_RATIO * pl.col("by_now")),
    ).with_columns(_run=(pl.col("_loose") != pl.col("_loose").shift(1)).fill_null(True).cum_sum().over("aanbieder"))
    m = m.collect(engine=maanden.ENGINE)
    total_by_now = float(m.filter(pl.col("_win"))["by_now"].sum())
    m = m.lazy()
    own = m.group_by("aanbieder").agg(_own=pl.col("by_now").filter(pl.col("_win")).sum())
    runs = m.filter(pl.col("_loose")).group_by("aanbieder", "_run").agg(_strict_short=pl.col("short").filter(pl.col("_strict")).sum())
    runs = runs.join(own, on="aanbieder").with_columns(
        _late=(pl.col("_strict_short") > 0)
        & (pl.col("_strict_short") >= LATE_MIN_OWN * pl.col("_own"))
        & (pl.col("_strict_short") >= LATE_MIN_ALL * total_by_now)
        & (pl.col("aanbieder") != POOLED)
    )
    m = m.join(runs.select("aanbieder", "_run", "_late"), on=["aanbieder", "_run"], how="left", maintain_order="left")
    return (
        m.with_columns(
            late=pl.col("_late").fill_null(False) & pl.col("_loose"),
        )
        .with_columns(fill=pl.when(pl.col("late")).then(pl.col("short")).otherwise(0.0))
        .drop("_win", "_strict", "_loose", "_run", "_late")
        .collect(engine=maanden.ENGINE)
    )


SIGNAL_SCHEMA = {
    "aanbieder_agb": pl.String,
    "aanbieder_naam": pl.String,
    "van": pl.Date,
    "tot": pl.Date,
    "verwacht_tot_nu": pl.Float64,
    "gedeclareerd": pl.Float64,
    "tekort": pl.Float64,
    "verwacht_totaal": pl.Float64,
}


def signals(checked: pl.DataFrame) -> pl.DataFrame:
    """One row per late aanbieder (output of `late`): the months of care with a material
    shortfall (van, tot: first days of the first and last such month), what was expected by now
    over them, what came in, the shortfall (euro) and what the toewijzingen imply in total for
    those months. Largest shortfall first."""
    months = checked.filter(pl.col("late") & (pl.col("short") >= MONTH_SHORT * pl.col("expected")) & (pl.col("short") > 0))
    checked = checked.filter(pl.col("late"))
    if months.is_empty():
        return pl.DataFrame(schema=SIGNAL_SCHEMA)
    span = months.group_by("aanbieder").agg(first=pl.col("mi").min(), last=pl.col("mi").max(), naam=pl.col("naam").first())
    sums = (
        checked.join(span, on="aanbieder")
        .filter(pl.col("mi").is_between(pl.col("first"), pl.col("last")))
        .group_by("aanbieder", "first", "last", "naam")
        .agg(
            verwacht_tot_nu=pl.col("by_now").sum(),
            gedeclareerd=pl.col("declared").sum(),
            tekort=pl.col("short").sum(),
            verwacht_totaal=pl.col("expected").sum(),
        )
    )
    return sums.select(
        aanbieder_agb="aanbieder",
        aanbieder_naam=pl.coalesce("naam", "aanbieder"),
        van=maanden.start_expr(pl.col("first")),
        tot=maanden.start_expr(pl.col("last")),
        verwacht_tot_nu="verwacht_tot_nu",
        gedeclareerd="gedeclareerd",
        tekort="tekort",
        verwacht_totaal="verwacht_totaal",
    ).sort("tekort", descending=True)


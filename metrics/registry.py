"""All declarations in one place, cross-checked at import: a broken definition never loads.

Each pydantic model checks itself (columns exist in the warehouse schema); `validate` checks what
spans declarations: unknown dimensions, models and metrics, dimensions a model cannot answer,
cycles, roles and disclosure rules of combined metrics that do not match their parts.
"""

from __future__ import annotations

from collections.abc import Iterable

from metrics.declarations import (
    REGION_DIMENSIONS,
    Aggregate,
    Dimension,
    Metric,
    SemanticModel,
    parse_expr,
    time_dimensions,
    time_expressions,
)
from metrics.definitions import algemeen, jeugd, veiligheid, wonen
from metrics.dimensions import DIMENSIONS
from metrics.errors import DefinitionError, UnknownMetric
from metrics.tables import TABLES


def model_dimensions(model: SemanticModel, agg: Aggregate) -> set[str]:
    """The dimensions an aggregate over `model` can be split by."""
    dims = {d.dimension for d in model.dimensions}
    dims |= set(time_dimensions(agg.time or model.time))
    if model.regions:
        dims |= set(REGION_DIMENSIONS)
    return dims


def components(metric: Metric) -> tuple[str, ...]:
    """The metrics a combined metric is computed from."""
    e = metric.expression
    return {
        "ratio": lambda: (e.numerator, e.denominator),
        "per_capita": lambda: (e.metric, e.population),
        "derived": lambda: e.inputs + ((e.group,) if e.group else ()),
    }.get(e.kind, lambda: ())()


def validate(models: Iterable[SemanticModel], metrics: Iterable[Metric], dimensions: dict[str, Dimension]) -> tuple[dict, dict]:
    """Cross-check the declarations; return (models, metrics) by name or raise DefinitionError."""
    problems: list[str] = []
    by_model: dict[str, SemanticModel] = {}
    for m in models:
        if m.name in by_model:
            problems.append(f"model {m.name!r} is twee keer gedeclareerd")
        by_model[m.name] = m
        for d in m.dimensions:
            if d.dimension not in dimensions:
                problems.append(f"model {m.name}: onbekende dimensie {d.dimension!r}")
        if m.total_member:
            problems += [f"model {m.name}: onbekende dimensie {d!r}" for d in m.total_member.dimensions if d not in dimensions]
    for d in dimensions.values():
        if d.parent and d.parent not in dimensions:
            problems.append(f"dimensie {d.name}: onbekende bovenliggende dimensie {d.parent!r}")

    by_metric: dict[str, Metric] = {}
    for mt in metrics:
        if mt.name in by_metric:
            problems.append(f"metric {mt.name!r} is twee keer gedeclareerd")
        by_metric[mt.name] = mt

    for mt in by_metric.values():
        if mt.norm is not None and mt.norm.setting is not None:
            setting = by_metric.get(mt.norm.setting)
            if setting is None:
                problems.append(f"metric {mt.name}: norm uit onbekende metric {mt.norm.setting!r}")
            elif set(mt.roles) - set(setting.roles):
                problems.append(f"metric {mt.name}: niet elke rol mag de norm {setting.name} zien")
        if mt.population is not None and (mt.population not in by_metric or by_metric[mt.population].disclosure != "none"):
            problems.append(f"metric {mt.name}: bevolking {mt.population!r} is geen openbare metric")
        unknown = [d for d in mt.dimensions if d not in dimensions]
        problems += [f"metric {mt.name}: onbekende dimensie {d!r}" for d in unknown]
        e = mt.expression
        if e.kind in ("sum", "count", "count_distinct", "mean", "median"):
            problems += _check_aggregate(mt, e, by_model)
            continue
        parts = components(mt)
        missing = [p for p in parts if p not in by_metric]
        problems += [f"metric {mt.name}: onbekende metric {p!r}" for p in missing]
        if missing:
            continue
        problems += _check_combined(mt, [by_metric[p] for p in parts], by_metric)

    problems += _cycles(by_metric)
    if problems:
        raise DefinitionError("Ongeldige metricdefinities:\n- " + "\n- ".join(problems))
    return by_model, by_metric


def _check_aggregate(mt: Metric, agg: Aggregate, models: dict[str, SemanticModel]) -> list[str]:
    model = models.get(agg.model)
    if model is None:
        return [f"metric {mt.name}: onbekend model {agg.model!r}"]
    out = []
    tables = model.tables_by_alias()
    texts = [agg.column] if agg.column else []
    texts += [f.column for f in agg.filters] + [f.other for f in agg.filters if f.other]
    texts += time_expressions(agg.time) if agg.time else []
    for text in texts:
        for alias, column in parse_expr(text).refs:
            if alias not in tables:
                out.append(f"metric {mt.name}: alias {alias!r} bestaat niet in model {model.name}")
            elif column not in TABLES[tables[alias]]:
                out.append(f"metric {mt.name}: kolom {tables[alias]}.{column} staat niet in WAREHOUSE.md")
    can = model_dimensions(model, agg)
    out += [f"metric {mt.name}: model {model.name} kan niet splitsen naar {d!r}" for d in mt.dimensions if d not in can]
    if mt.time_grain == "maand" and "maand" not in can:
        out.append(f"metric {mt.name}: model {model.name} kent geen maanden")
    if mt.disclosure == "amount" and model.person is None:
        out.append(f"metric {mt.name}: afscherming 'amount' vraagt om een persoonskolom in model {model.name}")
    if mt.disclosure != "none":
        # The cell-key method keys every record: persons by the person column, other rows by their id.
        if model.person is None or (agg.kind != "count_distinct" and model.record is None):
            out.append(f"metric {mt.name}: afscherming vraagt om persoon en record-id in model {model.name}")
        if agg.kind == "median":
            out.append(f"metric {mt.name}: een mediaan is niet af te schermen (celsleutelmethode); gebruik een gemiddelde")
    return out


def _check_combined(mt: Metric, parts: list[Metric], metrics: dict[str, Metric]) -> list[str]:
    out = []
    e = mt.expression
    if e.kind == "derived":
        out += [f"metric {mt.name}: onbekende brontabel {t!r}" for t in e.sources if t not in TABLES]
        group = metrics[e.group] if e.group else None
        if group is not None and group.disclosure != "persons":
            out.append(f"metric {mt.name}: group {group.name} telt geen personen")
        spanned = [group] if group is not None else []
    elif e.kind == "per_capita":
        population = metrics[e.population]
        if population.disclosure != "none":
            out.append(f"metric {mt.name}: bevolking {population.name} moet openbaar zijn (afscherming none)")
        spanned = parts
    else:
        spanned = parts
    for p in spanned:
        out += [f"metric {mt.name}: onderdeel {p.name} kan niet splitsen naar {d!r}" for d in mt.dimensions if d not in p.dimensions]
    for p in parts:
        extra = set(mt.roles) - set(p.roles)
        if extra:
            out.append(f"metric {mt.name}: rol(len) {sorted(extra)} mogen onderdeel {p.name} niet zien")
    if e.kind in ("ratio", "per_capita"):
        guarded = any(p.disclosure != "none" for p in parts)
        if guarded != (mt.disclosure != "none"):
            want = "amount" if guarded else "none"
            out.append(f"metric {mt.name}: afscherming moet {want!r} zijn, zoals die van de onderdelen")
    return out


def _cycles(metrics: dict[str, Metric]) -> list[str]:
    out, done = [], set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            out.append("kringverwijzing: " + " -> ".join(path + (name,)))
            return
        if name in done or name not in metrics:
            return
        for p in components(metrics[name]):
            visit(p, path + (name,))
        done.add(name)

    for name in metrics:
        visit(name, ())
    return out


MODELS, METRICS = validate(
    [m for mod in (algemeen, jeugd, wonen, veiligheid) for m in mod.MODELS],
    [m for mod in (algemeen, jeugd, wonen, veiligheid) for m in mod.METRICS],
    DIMENSIONS,
)
# Declared analyses (metrics.declarations.Analysis) by name: reached through ScopedEngine.analysis.
ANALYSES = {a.name: a for mod in (algemeen, jeugd, wonen, veiligheid) for a in getattr(mod, "ANALYSES", ())}


def get(name: str | Metric) -> Metric:
    if isinstance(name, Metric):
        return name
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownMetric(f"Onbekende metric: {name!r}.") from None


def sources(metric: str | Metric) -> tuple[str, ...]:
    """Warehouse tables a metric reads (the model's table and its join paths; parts of combined metrics)."""
    mt = get(metric)
    e = mt.expression
    if isinstance(e, Aggregate):
        model = MODELS[e.model]
        return tuple(dict.fromkeys([model.table] + [j.table for j in model.joins]))
    found = list(e.sources) if e.kind == "derived" else []
    for p in components(mt):
        found += sources(p)
    return tuple(dict.fromkeys(found))


def required_tables(metric: str | Metric) -> tuple[str, ...]:
    """Tables without which a metric cannot be computed at all (join tables only matter per dimension)."""
    mt = get(metric)
    e = mt.expression
    if isinstance(e, Aggregate):
        model = MODELS[e.model]
        texts = ([e.column] if e.column else []) + [f.column for f in e.filters] + [f.other for f in e.filters if f.other]
        if mt.disclosure != "none":
            texts += [x for x in (model.person, model.record) if x]
        aliases = {a for t in texts for a in parse_expr(t).aliases}
        return tuple(dict.fromkeys([model.table] + [j.table for j in model.joins_for(aliases)]))
    found = list(e.sources) if e.kind == "derived" else []
    for p in components(mt):
        found += required_tables(p)
    return tuple(dict.fromkeys(found))


def internal(metric: str | Metric) -> bool:
    """Whether a metric reads internal data (a model declared internal, directly or through the
    metrics it is computed from): then a user's wijken limit it; public metrics are not limited."""
    mt = get(metric)
    e = mt.expression
    if isinstance(e, Aggregate):
        return MODELS[e.model].internal
    if e.kind == "derived" and any(m.internal and m.table in e.sources for m in MODELS.values()):
        return True
    return any(internal(p) for p in components(mt))


def models_of(metric: str | Metric) -> tuple[str, ...]:
    """The semantic models a metric is computed from (through the metrics it combines)."""
    mt = get(metric)
    if isinstance(mt.expression, Aggregate):
        return (mt.expression.model,)
    return tuple(dict.fromkeys(m for p in components(mt) for m in models_of(p)))

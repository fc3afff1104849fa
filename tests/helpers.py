"""What the loader tests share: a reader's Context, hand-written input files, problems as text.

Not a test module itself (pytest collects test_*.py only).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from data_sources.demo import zwolle
from data_sources.problems import Problem, Problems
from data_sources.source import Context


def zwolle_buurten() -> dict[str, pl.DataFrame]:
    """ctx.regios with only what the internal-format loaders read from it: Zwolle's buurten and their wijk."""
    return {"buurten": pl.DataFrame({"buurt_code": [b.code for b in zwolle.BUURTEN], "wijk_code": [b.wijk_code for b in zwolle.BUURTEN]})}


def context(*, with_regios: bool = True, **fields) -> Context:
    """A Context for Zwolle, with its buurten unless `with_regios` is false; `fields` as Context takes them."""
    return Context(gemeente="GM0193", problems=Problems(), regios=zwolle_buurten() if with_regios else None, **fields)


def write(tmp_path: Path, name: str, *lines: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def messages(ctx: Context) -> str:
    return "\n".join(ctx.problems.lines())


def read_source(source, files, gemeente: str = "GM0193", **options) -> tuple[dict[str, pl.DataFrame], Problems]:
    """A source module's tables and problems for `files`, read on its own as the build would; `options` as in inputs.toml."""
    ctx = Context(gemeente=gemeente, problems=Problems(), options=options)
    return source.read(files, ctx), ctx.problems


def only(problems: Problems, text: str) -> Problem:
    """The one problem whose message holds `text`; fails listing them all when there is none or more."""
    found = [p for p in problems.items if text in p.message]
    assert len(found) == 1, [str(p) for p in problems.items]
    return found[0]

"""The source keys of inputs.toml, in the order they are read, and where each is declared."""

from __future__ import annotations

import importlib

from data_sources.source import Source

# cbs_regios comes first: other readers map buurt names and codes through it.
SOURCE_KEYS: tuple[str, ...] = (
    "cbs_regios",
    "cbs_kwb",
    "zwolle_portaal",
    "politie_misdrijven",
    "politie_overlast",
    "cbs_woningvoorraad",
    "plancapaciteit",
    "geo_buurten",
    "jeugd_toewijzingen",
    "jeugd_declaraties",
    "jeugd_begroting",
    "woningbouwprojecten",
    "meldingen",
)


def get(key: str) -> Source:
    if key not in SOURCE_KEYS:
        raise KeyError(key)
    return importlib.import_module(f"data_sources.{key}").SOURCE


def all_sources() -> list[Source]:
    return [get(k) for k in SOURCE_KEYS]

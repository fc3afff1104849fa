"""Pseudonymisation of person keys (AVG): a keyed hash, applied in the loader, before storage.

Client ids become HMAC-SHA256(key, id). With a configured key (env `DATAKOMPAS_PSEUDO_KEY`, or
`pseudo_key` under `[privacy]` in `.streamlit/secrets.toml`) pseudonyms are stable across builds,
so trajecten of one client can be followed from one month's export to the next. Without one, the
key is derived from the content of the input files: pseudonyms are then consistent within one
build only, and cannot be recomputed by anyone who holds the warehouse but not the raw export.
Files that carry a BSN or a name are refused without a configured key: such files are the ones
where a weak key would hurt most.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Iterable
from pathlib import Path

import polars as pl

ENV_KEY = "DATAKOMPAS_PSEUDO_KEY"
SECRETS_FILE = Path(".streamlit/secrets.toml")

# Column names that identify a person directly. Matched case-insensitively on the header.
PERSONAL_COLUMNS = frozenset(
    {"bsn", "burgerservicenummer", "naam", "achternaam", "voornaam", "voornamen", "geslachtsnaam", "geboortedatum", "adres", "postcode_huisnummer"}
)


def configured_key(secrets_file: Path = SECRETS_FILE) -> bytes | None:
    """The configured key, from the environment or the secrets file; None when there is none."""
    value = os.environ.get(ENV_KEY)
    if not value and secrets_file.is_file():
        try:
            value = tomllib.loads(secrets_file.read_text(encoding="utf-8")).get("privacy", {}).get("pseudo_key")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            value = None
    return value.encode("utf-8") if value else None


def personal_columns(columns: Iterable[str]) -> list[str]:
    return [c for c in columns if c.strip().lower() in PERSONAL_COLUMNS]


class Pseudonymiser:
    def __init__(self, key: bytes, configured: bool):
        self._key = key
        self.configured = configured  # False: key derived from the input, pseudonyms per build

    @classmethod
    def for_files(cls, files: Iterable[Path]) -> "Pseudonymiser":
        key = configured_key()
        if key is not None:
            return cls(key, configured=True)
        digest = hashlib.sha256(b"datakompas-derived-key")
        for f in sorted(files):
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        return cls(digest.digest(), configured=False)

    def pseudonym(self, value: str) -> str:
        return self.pseudonyms([value])[0]

    def pseudonyms(self, values: Iterable[str]) -> list[str]:
        """The pseudonym of every value: HMAC-SHA256 (RFC 2104) under the key, computed by hand so
        that the two padded keys are hashed once and each value continues from copies of those
        states, instead of hashing both again per value (half a million clients at scale 30: 0.35 s
        instead of 0.8 s). 20 bytes (160 bits) of the MAC: collisions are negligible for any
        client population."""
        key = self._key if len(self._key) <= _BLOCK else hashlib.sha256(self._key).digest()
        key = key.ljust(_BLOCK, b"\0")
        inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        out = []
        for value in values:
            h = inner.copy()
            h.update(value.encode("utf-8"))
            o = outer.copy()
            o.update(h.digest())
            out.append(o.hexdigest()[:40])
        return out

    def series(self, s: pl.Series) -> pl.Series:
        uniques = s.unique().drop_nulls()
        # Old and new values as two Series: a dict of hundreds of thousands of entries is slow to hand over.
        pseudonyms = pl.Series(self.pseudonyms(uniques.to_list()), dtype=pl.String)
        return s.replace_strict(uniques, pseudonyms, default=None, return_dtype=pl.String)


_BLOCK = 64  # SHA-256's block size in bytes, the length HMAC pads its key to

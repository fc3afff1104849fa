"""The floor a build is measured against: DuckDB's own ingest of the same files into a new database
file, with nothing checked, typed by DuckDB's sniffer, every file into a table of its own.

    python -m benchmarks.floor path/to/inputs.toml path/to/floor.duckdb     # prints one JSON line

Per source: seconds (wall and CPU of this process, DuckDB's threads included) and rows. CSV files
go through read_csv, JSON files (CBS OData, GeoJSON) through read_json. The database is
checkpointed at the end, as the build does, and that time counts in the total.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ingest(inputs_toml: Path, db: Path) -> dict:
    import duckdb

    from benchmarks.common import cpu_seconds
    from data_sources import inputs as inputs_mod

    spec = inputs_mod.load(inputs_toml)
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    sources = []
    t_all, c_all = time.perf_counter(), cpu_seconds()
    n = 0
    for key, source in spec.sources.items():
        t0, c0 = time.perf_counter(), cpu_seconds()
        rows = 0
        for f in source.files:
            n += 1
            path = str(f).replace("'", "''")
            reader = "read_json" if f.suffix.lower() in (".json", ".geojson") else "read_csv"
            con.execute(f"CREATE TABLE t{n} AS SELECT * FROM {reader}('{path}')")
            rows += con.execute(f"SELECT count(*) FROM t{n}").fetchone()[0]
        sources.append({"key": key, "rows": rows, "files": len(source.files), "seconds": time.perf_counter() - t0, "cpu": cpu_seconds() - c0})
    con.execute("CHECKPOINT")
    con.close()
    total = {"seconds": time.perf_counter() - t_all, "cpu": cpu_seconds() - c_all}
    db.unlink(missing_ok=True)
    Path(str(db) + ".wal").unlink(missing_ok=True)
    return {"sources": sources, **total}


if __name__ == "__main__":
    print(json.dumps(ingest(Path(sys.argv[1]), Path(sys.argv[2]))))

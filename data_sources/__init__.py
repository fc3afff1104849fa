"""Datakompas data layer: real-format loaders, demo data and the atomic DuckDB warehouse build.

Raw files -> `data_sources.<key>` (read with polars, validate, normalise) -> `build` (one DuckDB
file, written aside and renamed into place). See WAREHOUSE.md for the tables it produces.
"""

"""The Streamlit side of Datakompas: router, access, page frame, blocks, charts and maps.

Every session imports this package first (Home.py). Libraries that Streamlit and Altair import
lazily are imported here, completely, before any session can draw: Altair looks pandas up in
`sys.modules`, and a session that finds it half-imported by another session's thread fails with
"partially initialized module 'pandas'" (seen with ten sessions on a fresh server; see
docs/concurrency.md). The package's import lock makes the other sessions wait for this one.
"""

import altair  # noqa: F401
import pandas  # noqa: F401
import pyarrow  # noqa: F401

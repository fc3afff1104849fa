"""The app's server: `python -m ui.server run Home.py [options]` is `streamlit run Home.py
[options]` (every argument goes to Streamlit's own command line) in a process that has loaded the
app's modules (ui, metrics, polars, DuckDB, Altair) before it listens.

Streamlit runs Home.py in the server's process, so whatever Home.py imports is loaded by the first
visit after a (re)start: one to three seconds on a 2-core machine, paid by whoever comes first
(the hosted instance restarts after every deploy and on the watchdog). Loaded here, that visit
costs what any later first visit costs. Plain `streamlit run Home.py` still works, without this.

On a hosted server it also prepares, in the background, the forecast of every wijkmanager's
wijken (ui.warmup), once Streamlit runs and after every new build.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("metrics", "ui")


def preload() -> list[str]:
    """Import every module of the app's packages (what pages import comes along); their names."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    loaded = []
    for package in PACKAGES:
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            if info.name != __name__ and not info.name.endswith(".__main__"):  # a command line, not served
                importlib.import_module(info.name)
                loaded.append(info.name)
    return loaded


def main(argv: list[str] | None = None) -> None:
    preload()
    from streamlit.web import cli

    from ui import warmup

    warmup.start()

    sys.argv = ["streamlit", *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()

"""On a hosted server, prepare in the background what a wijkmanager's first visit would wait for.

The build makes the forecast of the gemeente as a whole ahead (metrics.jeugd.selectie), so the
default Jeugd view opens without a model. A wijkmanager sees the forecast of their own wijken,
which no build can know: on a fresh server (after a deploy, a watchdog restart or a new build)
their first Kompas or Jeugd page made that model while they waited, one to three seconds at
regional scale.

The roles file says which wijken each wijkmanager (and claim rule) has. So once the server runs,
and again whenever a new build is picked up, a background thread makes, per distinct set of
wijken, what those pages ask of it (`selectie.prepare`). The results are the model's raw output,
kept in the same process cache the pages read, before disclosure control, exactly as a page would
have made them; nothing is shown or logged beyond the number of wijken and the seconds it took.

A page that asks for a selection the thread is making waits for it rather than make its own
(selectie's locks), and only one model is in memory at a time. In local mode (no login) every
user sees the gemeente, which the build has made: there is nothing to prepare.
"""

from __future__ import annotations

import logging
import threading
import time

from metrics.jeugd import selectie

log = logging.getLogger("datakompas.warmup")

CHECK_SECONDS = 60.0  # how often the thread looks for a new build or a changed roles file
# Room left in selectie's cache for what users ask beyond their default view.
MAX_SCOPES = selectie.MAX_ENTRIES // 2


def scopes(roles) -> list[tuple[str, ...]]:
    """The distinct sets of wijken of the roles file's rules (users and claims), in file order."""
    out: list[tuple[str, ...]] = []
    for rule in (*roles.users, *roles.claims):
        wijken = tuple(sorted(rule.wijken))
        if wijken and wijken not in out:
            out.append(wijken)
    return out


def _roles():
    """The roles file of a hosted server, or None (local mode, or a file the login would refuse)."""
    from ui import access

    if not access.hosted():
        return None
    path = access._roles_path()
    if path is None:
        return None
    try:
        return access.load_roles(path)
    except access.AccessError:
        return None  # every login is refused with this message, and logged there


def _runtime_ready() -> bool:
    """Streamlit's server runs: its configuration (where the secrets are) has been read."""
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and Runtime.instance().state in (RuntimeState.NO_SESSIONS_CONNECTED, RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED)


def _loop(stopped: threading.Event) -> None:
    while not _runtime_ready():
        if stopped.wait(0.5):
            return
    done: dict[str, set[tuple[str, ...]]] = {}  # build -> the scopes prepared (or failed) on it
    failed = None  # the last failure, logged once rather than every minute (e.g. no warehouse yet)
    while True:
        try:
            if (roles := _roles()) is not None:
                prepare(roles, done)
            failed = None
        except Exception as e:  # noqa: BLE001 - preparing is a favour: a page makes what is missing itself
            if type(e).__name__ != failed:
                log.warning("voorbereiden mislukt: %s", type(e).__name__)
            failed = type(e).__name__
        if stopped.wait(CHECK_SECONDS):
            return


def prepare(roles, done: dict[str, set[tuple[str, ...]]]) -> None:
    """Prepare every scope of the roles file not yet tried on the current build (`done`, kept
    between calls by the caller)."""
    import metrics
    from ui import warehouse

    # Held like a page run holds it: a build picked up meanwhile does not close it under us.
    with warehouse.run_leases():
        engine = metrics.Engine(warehouse.get())
        if not {"jeugd_toewijzingen", "jeugd_declaraties"} <= engine.info.tables:
            return
        tried = done.setdefault(engine.info.build_id, set())
        for build in [b for b in done if b != engine.info.build_id]:
            del done[build]
        for wijken in scopes(roles)[:MAX_SCOPES]:
            if wijken in tried:
                continue
            tried.add(wijken)  # once per build, also when it fails: a page then shows why
            t0 = time.perf_counter()
            try:
                selectie.prepare(engine, selectie.Selectie.of(wijk_code=wijken))
            except Exception as e:  # noqa: BLE001 - e.g. too little history in these wijken
                log.warning("prognose voorbereiden voor %d wijk(en) mislukt: %s", len(wijken), type(e).__name__)
                continue
            log.info("prognose voorbereid voor %d wijk(en) in %.1f s", len(wijken), time.perf_counter() - t0)


def start() -> threading.Event:
    """Start the background thread (ui.server, before Streamlit starts); set the event to stop it."""
    if not log.handlers:  # a line per prepared scope in the server's log, as the deployment keeps it
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    stopped = threading.Event()
    threading.Thread(target=_loop, args=(stopped,), name="datakompas-warmup", daemon=True).start()
    return stopped

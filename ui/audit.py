"""The audit log of a hosted instance: one line per page view, for the municipality's log system.

Logger `datakompas.audit`, level INFO, one JSON object per line (so any log shipper can parse it):

    {"time": "2026-11-02T09:14:03.512+01:00", "event": "page_view", "user": "j.jansen@zwolle.nl",
     "role": "wijkmanager", "wijken": ["WK019313"], "page": "veiligheid", "url_path": "veiligheid",
     "filters": {"jaar": "2025", "wijk": ["WK019313"]}, "result": "ok", "duration_ms": 412,
     "session": "5c1e0f7a9b32"}

Fields: `time` (ISO 8601, local time with offset, milliseconds); `event`: `page_view` (a finished
run of a page: first view, a changed filter, a reload), `login` (the first page view of a user in
a browser session), `logout`, `denied` (logged in but no access: no role, or the roles file is
missing or wrong; `reason` says which); `user` (e-mail from the identity provider, else its name);
`role` and `wijken` (from the roles file; null = all wijken); `page` (manifest key) and `url_path`;
`filters`: the filter choices of the view: what the filter bar and tabs chose in this run (codes,
as in the url), over the url query parameters (at most 30, values cut at 100 characters); `result`: `ok`, `stopped` (the page ended early on purpose, e.g. no data) or `error`
(an exception: `error` holds its type only); `duration_ms`; `session`: a hash of Streamlit's
session id (ties the views of one browser tab together, and is no session token).

Never in it: figures, data values, tokens, cookies, secrets, exception messages (they can carry
query parameters). Where it goes: stderr (journald under systemd) by default, or the file named by
`DATAKOMPAS_AUDIT_LOG` (a WatchedFileHandler: logrotate may move it). A deployment that configures
logging itself (a handler on `datakompas.audit`) is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sys
import threading
import time

LOGGER_NAME = "datakompas.audit"
log = logging.getLogger(LOGGER_NAME)

MAX_FILTERS = 30
MAX_VALUE = 100
MAX_VALUES = 30

_configured = threading.Lock()
_run = threading.local()  # the filters chosen in the page run on this thread (Streamlit: one thread per run)


def configure() -> None:
    """Give the audit logger a handler (once per process) unless the deployment already did."""
    with _configured:
        if log.handlers:
            return
        path = os.environ.get("DATAKOMPAS_AUDIT_LOG")
        handler: logging.Handler
        if path:
            from logging.handlers import WatchedFileHandler

            handler = WatchedFileHandler(path, encoding="utf-8")
        else:
            handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        # Not into the root logger as well: one line per view, in one place.
        log.propagate = False


def _cut(value) -> str:
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def filters_of(params) -> dict:
    """The view's url query parameters (Streamlit's st.query_params), bounded in size."""
    out: dict = {}
    for key in list(params.keys())[:MAX_FILTERS]:
        values = params.get_all(key) if hasattr(params, "get_all") else [params[key]]
        values = [_cut(v) for v in values[:MAX_VALUES]]
        out[_cut(key)] = values[0] if len(values) == 1 else values
    return out


def begin_run() -> None:
    _run.filters = {}


def note_filters(values: dict) -> None:
    """What the filter bar (ui.selection) or a tab chose in this run, by url parameter name. The
    url itself follows a changed widget only in the browser, after the run: this is the run's own
    account of its filters."""
    noted = getattr(_run, "filters", None)
    if noted is not None:
        noted.update(values)


def _noted() -> dict:
    return getattr(_run, "filters", None) or {}


def session_tag(session_id: str | None) -> str | None:
    return hashlib.sha256(session_id.encode()).hexdigest()[:12] if session_id else None


def event(name: str, *, user=None, **fields) -> None:
    """Write one audit line. `user` is a ui.access.User, or who logged in (a string) when they got no
    User; fields are plain JSON values."""
    record = {"time": dt.datetime.now().astimezone().isoformat(timespec="milliseconds"), "event": name}
    if isinstance(user, str):
        record["user"] = user
    elif user is not None:
        record |= {"user": user.email or user.name, "role": user.role, "wijken": list(user.wijken) if user.wijken else None}
    record |= fields
    log.info(json.dumps(record, ensure_ascii=False, default=str))


class PageView:
    """Times one page run and logs it when it ends (router.run)."""

    def __init__(self, user, page: str, url_path: str, session_id: str | None) -> None:
        self.user, self.page, self.url_path, self.session = user, page, url_path, session_tag(session_id)
        self.started = time.perf_counter()

    def done(self, result: str, params, error: BaseException | None = None) -> None:
        fields = {
            "page": self.page,
            "url_path": self.url_path,
            "filters": filters_of(params) | filters_of(_Plain(_noted())),
            "result": result,
            "duration_ms": round((time.perf_counter() - self.started) * 1000),
            "session": self.session,
        }
        if error is not None:
            fields["error"] = type(error).__name__
        event("page_view", user=self.user, **fields)


class _Plain:
    """A dict of chosen filters read like st.query_params (get_all); values as the url writes them."""

    def __init__(self, values: dict) -> None:
        self.values = {k: v for k, v in values.items() if v is not None and v != [] and v != ()}

    def keys(self):
        return self.values.keys()

    def get_all(self, key) -> list:
        v = self.values[key]
        return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]

"""The hosting watchdog (deploy/watchdog.py): it tells systemd the server is alive only while the
health endpoint answers, and without systemd it restarts a server that stops answering."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A stand-in server: answers /_stcore/health "ok" for `answers` requests, then hangs (a deadlocked
# server accepts connections but never answers). Each start appends a line to the starts file.
FAKE = textwrap.dedent(
    """
    import http.server, sys, time
    port, answers, starts = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    open(starts, "a").write("start\\n")
    count = 0
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            global count
            count += 1
            if count > answers:
                time.sleep(3600)
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *a):
            pass
    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
    """
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _watchdog(tmp_path, answers: int, env: dict, *extra: str) -> tuple[subprocess.Popen, Path]:
    port = _port()
    fake = tmp_path / "fake.py"
    fake.write_text(FAKE)
    starts = tmp_path / "starts.txt"
    cmd = [sys.executable, str(ROOT / "deploy" / "watchdog.py"), "--url", f"http://127.0.0.1:{port}", "--interval", "0.2", "--timeout", "0.5", *extra,
           "--", sys.executable, str(fake), str(port), str(answers), str(starts)]  # fmt: skip
    base = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
    return subprocess.Popen(cmd, env={**base, **env}, stderr=subprocess.PIPE, text=True), starts


def test_systemd_hears_ready_and_watchdog_only_while_healthy(tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    proc, _ = _watchdog(tmp_path, 6, {"NOTIFY_SOCKET": path})
    messages: list[tuple[float, str]] = []
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            try:
                messages.append((time.monotonic(), sock.recv(64).decode()))
            except TimeoutError:
                pass
    finally:
        proc.terminate()
        proc.wait(10)
        sock.close()
    kinds = [m for _, m in messages]
    assert kinds[0] == "READY=1"
    assert kinds.count("WATCHDOG=1") >= 3
    # After the server hung, systemd heard nothing more: its WatchdogSec then restarts the service.
    last = max(t for t, m in messages)
    assert time.monotonic() - last > 3, kinds


def test_without_systemd_it_restarts_a_hung_server(tmp_path):
    proc, starts = _watchdog(tmp_path, 3, {}, "--max-misses", "2")
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (not starts.exists() or starts.read_text().count("start") < 2):
            time.sleep(0.1)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert starts.read_text().count("start") >= 2, err
    assert "server herstarten" in err


def test_a_server_that_never_starts_is_an_error(tmp_path):
    cmd = [sys.executable, str(ROOT / "deploy" / "watchdog.py"), "--url", f"http://127.0.0.1:{_port()}", "--", sys.executable, "-c", "raise SystemExit(3)"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert done.returncode == 3
    assert "stopte bij het starten" in done.stderr


@pytest.mark.parametrize("unit", ["datakompas.service"])
def test_service_unit_uses_the_watchdog(unit):
    text = (ROOT / "deploy" / unit).read_text()
    assert "Type=notify" in text and "WatchdogSec=" in text and "deploy/watchdog.py" in text

"""Run the Datakompas server and restart it when it stops answering.

    python deploy/watchdog.py --url http://127.0.0.1:8501 -- .venv/bin/streamlit run Home.py ...

Starts the command as a child, then asks `<url>/_stcore/health` every --interval seconds with a
--timeout. Under systemd (`Type=notify`, `WatchdogSec=`; see datakompas.service) it reports
READY=1 once the server answers and WATCHDOG=1 after every answer in time, so systemd restarts a
server that hangs. Without systemd (no NOTIFY_SOCKET) it restarts the child itself after
--max-misses unanswered checks in a row. Standard library only: it must work when the app's
own environment is broken.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def notify(message: str) -> bool:
    """Send one sd_notify message to systemd; False when not run by systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(address)
        s.sendall(message.encode("ascii"))
    return True


def healthy(url: str, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


def say(msg: str) -> None:
    print(f"datakompas-watchdog: {msg}", file=sys.stderr, flush=True)


def stop(child: subprocess.Popen, grace: float = 10) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="watchdog.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8501")
    ap.add_argument("--interval", type=float, default=10.0, help="seconden tussen twee controles")
    ap.add_argument("--timeout", type=float, default=10.0, help="hoe lang een antwoord mag duren (onder zware belasting tot 8 s gemeten)")
    ap.add_argument("--max-misses", type=int, default=3, help="zonder systemd: herstart na zoveel gemiste controles op rij")
    ap.add_argument("--start-timeout", type=float, default=120.0, help="hoe lang het starten mag duren")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("geef na -- het commando dat de server start")

    child: subprocess.Popen | None = None

    def forward(signum, _frame):
        if child is not None:
            stop(child)
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    under_systemd = bool(os.environ.get("NOTIFY_SOCKET"))
    while True:
        child = subprocess.Popen(command)
        started = time.monotonic()
        while not healthy(args.url, args.timeout):
            if child.poll() is not None:
                say(f"server stopte bij het starten (exitcode {child.returncode})")
                return child.returncode or 1
            if time.monotonic() - started > args.start_timeout:
                say(f"server antwoordde niet binnen {args.start_timeout:.0f} s na de start")
                stop(child)
                return 1
            time.sleep(0.2)
        notify("READY=1")
        say(f"server gezond op {args.url}")
        misses = 0
        while child.poll() is None:
            time.sleep(args.interval)
            if healthy(args.url, args.timeout):
                misses = 0
                notify("WATCHDOG=1")
                continue
            misses += 1
            say(f"geen antwoord van {args.url}/_stcore/health binnen {args.timeout:.0f} s ({misses}x op rij)")
            if not under_systemd and misses >= args.max_misses:
                say("server herstarten")
                stop(child)
                break
        else:
            say(f"server gestopt (exitcode {child.returncode})")
            return child.returncode or 1


if __name__ == "__main__":
    sys.exit(main())

"""The example files for the municipality's IT (deploy/, docs/hosting.md) are valid as shipped: the
roles and secrets examples load, the systemd units call commands and options that exist, the
replica script copies atomically. (The nginx config runs for real in tests/e2e/test_hosted_proxy.py.)"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _unit(name: str) -> dict[str, list[str]]:
    """A systemd unit as section -> 'Key=value' lines (continuations joined, comments left out)."""
    out: dict[str, list[str]] = {}
    section = None
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / name).read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            out[section] = []
        else:
            out[section].append(line)
    return out


def _value(unit: dict, section: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in unit[section] if line.split("=", 1)[0] == key]


def test_roles_example_is_a_valid_roles_file():
    from ui import access

    roles = access.load_roles(DEPLOY / "roles.example.toml")
    assert roles.default_role == "gast"
    rule = access.resolve(roles, "J.Jansen@zwolle.nl", {})
    assert (rule.role, rule.wijken) == ("wijkmanager", ("WK019313", "WK019314"))
    assert access.resolve(roles, "x@zwolle.nl", {"groups": ["3f1c2a9e-0000-0000-0000-datakompas-sd"]}).role == "sociaal_domein"


def test_secrets_example_has_what_st_login_needs():
    secrets = tomllib.loads((DEPLOY / "secrets.example.toml").read_text(encoding="utf-8"))
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"} <= set(secrets["auth"])
    assert secrets["auth"]["redirect_uri"].startswith("https://") and secrets["auth"]["redirect_uri"].endswith("/oauth2callback")
    assert secrets["roles_file"] == "/etc/datakompas/roles.toml"


def test_app_unit_passes_streamlit_options_that_exist():
    from streamlit import config

    unit = _unit("datakompas.service")
    command = shlex.split(_value(unit, "Service", "ExecStart")[0])
    # The app's server (ui/server.py), which loads the code before the first visit, as `make run`.
    server = command[command.index("--") + 1 :]
    assert server[1:5] == ["-m", "ui.server", "run", "Home.py"]
    streamlit_args = command[command.index("run") + 2 :]
    options = dict(zip(streamlit_args[::2], streamlit_args[1::2]))
    for flag in options:
        assert flag.startswith("--") and flag[2:] in config.get_config_options(), flag
    assert options["--client.showErrorDetails"] in ("type", "none")
    assert options["--server.address"] == "127.0.0.1", "only the proxy reaches the app"
    env = dict(v.split("=", 1) for v in _value(unit, "Service", "Environment"))
    assert env["DATAKOMPAS_ROLES"] == "/etc/datakompas/roles.toml"
    assert "/var/lib/datakompas" in _value(unit, "Service", "ReadOnlyPaths")[0], "the app cannot write the warehouse"


def test_build_unit_and_timer_run_the_real_build_command():
    from data_sources.__main__ import _parser

    unit = _unit("datakompas-build.service")
    assert _value(unit, "Service", "Type") == ["oneshot"]
    command = shlex.split(_value(unit, "Service", "ExecStart")[0])
    assert command[1:3] == ["-m", "data_sources"]
    args = _parser().parse_args(command[3:])
    assert args.command == "build"
    assert str(args.inputs).endswith("inputs.toml")
    assert "/var/lib/datakompas" in _value(unit, "Service", "ReadWritePaths")[0]
    timer = _unit("datakompas-build.timer")
    calendar = _value(timer, "Timer", "OnCalendar")[0]
    assert _value(timer, "Timer", "Persistent") == ["true"]
    analyze = shutil.which("systemd-analyze")
    if analyze:
        done = subprocess.run([analyze, "calendar", calendar], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_publish_replicas_copies_whole_files_only(tmp_path):
    src = tmp_path / "datakompas.duckdb"
    src.write_bytes(b"build-2" * 1000)
    replicas = [tmp_path / "replica-8501", tmp_path / "replica-8502"]
    (replicas[0]).mkdir()
    old = replicas[0] / "datakompas.duckdb"
    old.write_bytes(b"build-1")
    held = open(old, "rb")  # a replica still reading the old build
    try:
        subprocess.run(["sh", str(DEPLOY / "publish-replicas.sh"), str(src), *map(str, replicas)], check=True)
        assert held.read() == b"build-1", "the old file is replaced, not overwritten: open readers keep their build"
    finally:
        held.close()
    for r in replicas:
        assert (r / "datakompas.duckdb").read_bytes() == src.read_bytes()
        assert [p.name for p in r.iterdir()] == ["datakompas.duckdb"], "no temporary copy left"


@pytest.mark.parametrize("needle", ["proxy_set_header Upgrade $http_upgrade", "location /_stcore/stream", "location = /_stcore/health", "ssl_certificate ", "proxy_set_header Host $host", "ip_hash"])
def test_nginx_config_has_what_streamlit_needs(needle):
    assert needle in (DEPLOY / "nginx-datakompas.conf").read_text(encoding="utf-8")

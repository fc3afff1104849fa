"""The shipped nginx config (deploy/nginx-datakompas.conf) in front of the app, on loopback: TLS,
the websocket upgrade and the health check work as written. Only the certificate paths, the
ports and the upstream address are changed for the test; skipped when nginx is not installed."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import open_app
from tests.e2e.conftest import _free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx-datakompas.conf"


def _site(conf: str, *, cert: Path, key: Path, app_port: int, http_port: int, https_port: int) -> str:
    conf = conf.replace("/etc/ssl/datakompas/fullchain.pem", str(cert)).replace("/etc/ssl/datakompas/privkey.pem", str(key))
    conf = conf.replace("/var/cache/nginx/datakompas", str(cert.parent / "cache"))
    conf = re.sub(r"server 127\.0\.0\.1:8501", f"server 127.0.0.1:{app_port}", conf)
    conf = re.sub(r"listen 80;", f"listen 127.0.0.1:{http_port};", conf)
    conf = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", conf)
    return "\n".join(line for line in conf.splitlines() if "[::]" not in line)


def test_nginx_config_serves_the_app_over_tls_with_websockets_and_health(browser, app_url, tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    app_port = int(app_url.rsplit(":", 1)[1])
    https_port = _free_port()
    site = tmp_path / "site.conf"
    site.write_text(_site(CONF.read_text(), cert=cert, key=key, app_port=app_port, http_port=_free_port(), https_port=https_port))
    main = tmp_path / "nginx.conf"
    main.write_text(
        # As root, nginx's workers would run as nobody, who may not enter the test's own folder.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp_path}/access.log;\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" fastcgi_temp_path {tmp_path}/fcgi;\n uwsgi_temp_path {tmp_path}/uwsgi;\n scgi_temp_path {tmp_path}/scgi;\n include {site};\n}}\n"
    )
    check = subprocess.run([nginx, "-t", "-c", str(main)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([nginx, "-c", str(main), "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        base = f"https://127.0.0.1:{https_port}"
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", context=insecure, timeout=5) as r:
                    assert r.read() == b"ok"
                    assert "max-age" in r.headers["Strict-Transport-Security"]
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("nginx did not answer: " + (tmp_path / "error.log").read_text())
        # Streamlit's front-end files come compressed, and from nginx's cache after the first time.
        with urllib.request.urlopen(f"{base}/", context=insecure, timeout=10) as r:
            bundle = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', r.read().decode())
        assert bundle, "the page names Streamlit's script"
        for _ in range(2):
            request = urllib.request.Request(f"{base}/{bundle.group(1)}", headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, context=insecure, timeout=10) as r:
                assert r.headers["Content-Encoding"] == "gzip" and "immutable" in r.headers["Cache-Control"]
        assert list((tmp_path / "cache").rglob("*")), "nginx keeps the file in its cache"
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900}, locale="nl-NL")
        try:
            pg = context.new_page()
            open_app(pg, base)  # waits for the websocket: the app is CONNECTED through the proxy
            expect(pg.get_by_role("heading", name="Kompas")).to_be_visible()
            expect(pg.get_by_test_id("stMetric").filter(has_text="Inwoners").first.get_by_test_id("stMetricValue")).to_have_text("134.864")
        finally:
            context.close()
        # nginx logs the websocket when it closes: give it a moment after the browser went.
        for _ in range(50):
            if "/_stcore/stream" in (tmp_path / "access.log").read_text():
                break
            time.sleep(0.1)
        stream = [line for line in (tmp_path / "access.log").read_text().splitlines() if "/_stcore/stream" in line]
        assert stream and all('" 101 ' in line for line in stream), stream
    finally:
        proc.terminate()
        proc.wait(10)

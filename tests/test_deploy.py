"""The example proxy (deploy/): HTTPS for editors, no session ids in its log, /_stcore/metrics not served.

The last test runs deploy/nginx-tls.conf for real (nginx and openssl, skipped where either is missing)
in front of the launcher, with a self-signed certificate made the way the file says."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import urllib3

from tools.browser import free_port, serve, stop

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "deploy" / "nginx.conf", ROOT / "deploy" / "nginx-tls.conf"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_proxy_logs_no_query_strings_or_session_ids_and_hides_metrics(path: Path):
    config = path.read_text(encoding="utf-8")
    formats = re.findall(r"log_format\s+dashboard\s+(.*?);", config, re.S)
    assert formats and not re.search(r"\$(request|request_uri|args|query_string|uri)\b", formats[0])
    assert "$dashboard_logged_path" in formats[0]
    logs = re.findall(r"^\s*access_log\s+(.*?);", config, re.M)
    assert logs and all(line.endswith(" dashboard") for line in logs)
    assert re.search(r"location = /_stcore/metrics \{\s*return 404;", config)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config


def test_the_tls_example_redirects_plain_http_and_serves_https_only():
    config = EXAMPLES[1].read_text(encoding="utf-8")
    assert "listen 443 ssl;" in config and "return 301 https://$host$request_uri;" in config
    assert "ssl_certificate " in config and "openssl req -x509" in config
    plain = config.split("listen 80;", 1)[1].split("}", 1)[0]
    assert "proxy_pass" not in plain  # plain http serves nothing but the redirect


def _site_for_test(folder: Path, http_port: int, https_port: int, upstream: int) -> Path:
    site = EXAMPLES[1].read_text(encoding="utf-8")
    site = re.sub(r"    server 127\.0\.0\.1:\d+;\n", "", site)
    site = site.replace(
        "hash $dashboard_route consistent;\n", f"hash $dashboard_route consistent;\n    server 127.0.0.1:{upstream};\n"
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace(
        "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"
    )
    site = site.replace("/etc/nginx/", f"{folder}/").replace("/var/log/nginx/", f"{folder}/")
    temp = folder / "temp"
    temp.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n"
        f"client_body_temp_path {temp}/b; proxy_temp_path {temp}/p; fastcgi_temp_path {temp}/f;\n"
        f"uwsgi_temp_path {temp}/u; scgi_temp_path {temp}/s;\n{site}\n}}\n",
        encoding="utf-8",
    )
    return main


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx not installed")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_the_tls_example_in_front_of_the_launcher(tmp_path: Path, built: Path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    key, certificate = tmp_path / "dashboard.key", tmp_path / "dashboard.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "1", "-nodes", "-keyout", str(key),
         "-out", str(certificate), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    config = _site_for_test(tmp_path, http_port, https_port, upstream)
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    urllib3.disable_warnings()
    base = f"https://127.0.0.1:{https_port}"
    try:
        with serve(start=["-m", "ui.serve"], port=upstream, env={"DASHBOARD_DATA_DIR": str(built)}):
            for _ in range(100):
                if (tmp_path / "nginx.pid").exists():
                    break
                time.sleep(0.1)
            plain = requests.get(f"http://127.0.0.1:{http_port}/?lang=zh", allow_redirects=False, timeout=30)
            assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
            page = requests.get(f"{base}/", verify=str(certificate), timeout=30)
            assert page.status_code == 200
            cookie = next(c for c in page.headers.get("Set-Cookie", "").split(", ") if c.startswith("hs_browser="))
            assert "Secure" in cookie and "HttpOnly" in cookie  # the launcher knows it is behind https
            assert requests.get(f"{base}/_stcore/metrics", verify=False, timeout=30).status_code == 404
            session_id = "3f1c2a9e-6b7d-4e21-9c55-0123456789ab"
            requests.put(f"{base}/_stcore/upload_file/{session_id}/file-id?x=secret-query", verify=False, timeout=30)
            time.sleep(0.5)
            log = (tmp_path / "dashboard.access.log").read_text(encoding="utf-8")
            assert "/_stcore/upload_file/..." in log and "/_stcore/metrics" in log
            assert session_id not in log and "secret-query" not in log and "lang=zh" not in log
    finally:
        stop(proxy)

"""The container, the proxy and the server settings, as far as this machine can check them (no Docker
here): the Dockerfile's command starts a server whose health check answers, the production settings
hold, the code is read-only to the app's user, compose limits each replica, and nginx (run for real
when it is installed, in front of two stand-in replicas) keeps a browser on one replica by a cookie,
slows a flood of new sessions and refuses uploads. The CSP is played in a browser in
tests/e2e/test_deploy_browser.py."""

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.serve import free_port

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    """The Dockerfile's instructions ``name``, in order, with their continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return re.findall(rf"^{name}\s+(.*)$", joined, flags=re.MULTILINE)


def instruction(name: str) -> str:
    """The one Dockerfile instruction ``name``."""
    found = instructions(name)
    assert len(found) == 1, name
    return found[0]


def eval_json(text: str) -> list[str]:
    """A Dockerfile instruction's exec form (a JSON list)."""
    return json.loads(text)


def test_the_image_is_slim_runs_as_a_user_and_checks_its_health():
    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, flags=re.MULTILINE)
    assert instruction("USER") == "downhill" and "useradd" in instructions("RUN")[0]
    assert "/_stcore/health" in instruction("HEALTHCHECK")
    assert "requirements-dev" not in DOCKERFILE  # tests and their tools stay out of the image


def test_the_command_carries_the_production_settings():
    command = eval_json(instruction("CMD"))
    flags = dict(arg.split("=", 1) for arg in command if arg.startswith("--"))
    assert command[:3] == ["streamlit", "run", "app.py"]
    assert flags["--server.fileWatcherType"] == "none" and flags["--browser.gatherUsageStats"] == "false"
    assert flags["--client.showErrorDetails"] in ("type", "none") and flags["--server.maxUploadSize"] == "1"


def test_the_config_file_holds_the_same_production_settings():
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["server"]["fileWatcherType"] == "none" and config["server"]["maxUploadSize"] == 1
    assert config["server"]["runOnSave"] is False and config["server"].get("enableXsrfProtection", True)
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] in ("type", "none")


def test_the_containers_command_serves_and_its_health_check_passes():
    command = eval_json(instruction("CMD"))
    port = free_port()
    args = [a for a in command[3:] if not a.startswith(("--server.port", "--server.address"))]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), *args,
                             f"--server.port={port}", "--server.address=127.0.0.1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check = eval_json(instruction("HEALTHCHECK").split("CMD", 1)[1].strip())
    probe = [sys.executable, *check[1:]]
    probe[-1] = probe[-1].replace("8501", str(port))
    try:
        deadline = time.monotonic() + 30
        while subprocess.run(probe, capture_output=True).returncode != 0:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"the health check never passed: {shlex.join(probe)}")
            time.sleep(0.3)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
        assert "<div id=\"root\">" in page or "root" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)


NGINX = (ROOT / "deploy" / "nginx.conf").read_text()


def nginx_block(head: str) -> str:
    """The body of the nginx block that opens with ``head`` (``location /``), braces balanced."""
    start = NGINX.index(head + " {") + len(head) + 2
    depth, i = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(NGINX[i], 0)
        i += 1
    return NGINX[start:i - 1]


def test_nginx_refuses_the_upload_route():
    assert nginx_block("location /_stcore/upload_file").split() == ["return", "403;"]


def directives(block: str, name: str) -> list[str]:
    return [d.strip() for d in re.findall(rf"^\s*{name}\s+([^;]*);", block, flags=re.MULTILINE)]


CSP = dict(re.findall(r'add_header\s+(\S+)\s+"([^"]+)"\s+always;', NGINX))["Content-Security-Policy"]


def csp_sources(directive: str) -> list[str]:
    return next(part.split()[1:] for part in CSP.split(";") if part.split()[:1] == [directive])


def test_the_csp_allows_no_eval_and_no_other_host():
    assert "'unsafe-eval'" not in CSP
    assert csp_sources("connect-src") == ["'self'"]  # ws:/wss: of any host no more
    assert "'unsafe-eval'" not in csp_sources("script-src") and csp_sources("default-src") == ["'self'"]


def test_stickiness_is_a_cookie_not_an_address():
    upstream = nginx_block("upstream downhill")
    assert not re.search(r"^\s*ip_hash\s*;", NGINX, flags=re.MULTILINE)
    (key,) = directives(upstream, "hash")
    variable, mode = key.split()
    assert mode == "consistent"
    keyed = nginx_block(f"map $cookie_downhill_client {variable}")
    assert "$request_id" in keyed and "$cookie_downhill_client" in keyed  # a new browser gets a random key
    assert re.search(r"add_header\s+Set-Cookie\s+\$downhill_client_cookie;", NGINX)


def test_new_sessions_are_rate_limited_per_address():
    (zone,) = directives(NGINX, "limit_req_zone")
    assert zone.startswith("$binary_remote_addr zone=downhill_sessions:")
    stream = nginx_block("location /_stcore/stream")
    (limit,) = directives(stream, "limit_req")
    assert limit.startswith("zone=downhill_sessions") and "burst=" in limit  # a class opening one link passes
    assert directives(stream, "limit_conn") and "proxy_pass http://downhill" in stream


def test_compose_limits_each_replicas_cpu_and_memory():
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    for name in ("app", "proxy"):
        limits = services[name]["deploy"]["resources"]["limits"]
        assert 0 < float(limits["cpus"]) <= 2 and re.fullmatch(r"\d+[MG]", limits["memory"]), name


def test_the_code_belongs_to_root_and_is_read_only_to_the_apps_user():
    assert "--chown" not in DOCKERFILE  # COPY --chown=downhill made the code writable by who runs it
    runs, copies = instructions("RUN"), instructions("COPY")
    assert copies[-1] == ". ."
    order = [line.split()[0] for line in DOCKERFILE.replace("\\\n", " ").splitlines() if line[:1].isupper()]
    fix = next(r for r in runs if "chmod" in r)
    assert "chown -R root:root /app" in fix and "go=rX" in fix  # group and others: read, enter, never write
    assert order.index("USER") > len(order) - 1 - order[::-1].index("COPY")  # the user comes after the code


# --- nginx for real, when this machine has it: two stand-in replicas that answer their own name --------

NGINX_BINARY = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    if NGINX_BINARY is None:
        pytest.skip("nginx is not installed (apt-get install nginx-core)")
    tmp = tmp_path_factory.mktemp("nginx")
    replicas, ports = [], [free_port(), free_port()]
    for name, port in zip("AB", ports, strict=True):
        replicas.append(subprocess.Popen([sys.executable, "-c", STAND_IN, name, str(port)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for port in ports:  # up before nginx: a refused connection would mark a replica down for 10 s
        wait_for(f"http://127.0.0.1:{port}/")
    listen = free_port()
    site = NGINX.replace("listen 80;", f"listen 127.0.0.1:{listen};").replace(
        "server app:8501;", "".join(f"server 127.0.0.1:{p};" for p in ports))
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        f"daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log; events {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp}; proxy_temp_path {tmp}; include {tmp}/site.conf; }}\n")
    checked = subprocess.run([NGINX_BINARY, "-t", "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([NGINX_BINARY, "-c", str(tmp / "nginx.conf")], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{listen}"
    try:
        wait_for(url)
        yield url
    finally:
        for proc in (server, *replicas):
            proc.terminate()
            proc.wait(timeout=10)


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


STAND_IN = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Replica(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(sys.argv[1].encode())
    do_PUT = do_GET
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Replica).serve_forever()
"""


def fetch(url: str, cookie: str | None = None, method: str = "GET") -> tuple[int, str, dict]:
    request = urllib.request.Request(url, method=method, data=b"x" * 1000 if method == "PUT" else None,
                                     headers={"Cookie": f"downhill_client={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(), dict(refused.headers)


def test_nginx_keeps_a_browser_on_its_replica_and_spreads_browsers_behind_one_address(proxy):
    status, _, headers = fetch(proxy + "/")
    cookie = re.match(r"downhill_client=([0-9a-f]+);", headers["Set-Cookie"]).group(1)
    first = fetch(proxy + "/", cookie)
    assert status == 200 and "Set-Cookie" not in first[2]  # given once
    assert all(fetch(proxy + path, cookie)[1] == first[1] for path in ("/race", "/_stcore/health", "/?x=1") * 3)
    # every browser here shares 127.0.0.1, as a classroom shares its NAT: their cookies still spread them
    seen = {fetch(proxy + "/", f"{i:032x}")[1] for i in range(40)}
    assert seen == {"A", "B"}
    assert "Content-Security-Policy" in first[2]


def test_nginx_refuses_uploads_and_slows_a_flood_of_new_sessions(proxy):
    status, body, _ = fetch(proxy + "/_stcore/upload_file/session/file", "c0ffee", method="PUT")
    assert status == 403 and body not in ("A", "B")  # answered by nginx, never by a replica
    answers = [fetch(proxy + "/_stcore/stream", "c0ffee")[0] for _ in range(100)]
    assert answers[:50] == [200] * 50  # a class's burst passes
    assert 429 in answers  # a script's loop does not
    assert fetch(proxy + "/", "c0ffee")[0] == 200  # pages are not limited

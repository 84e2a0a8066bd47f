"""The container and the server settings, as far as this machine can check them (no Docker here):
the Dockerfile's command starts a server whose health check answers, and the production settings hold."""

import json
import re
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.server import free_port

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instruction(name: str) -> str:
    """The Dockerfile instruction ``name`` with its continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    found = re.findall(rf"^{name}\s+(.*)$", joined, flags=re.MULTILINE)
    assert len(found) == 1, name
    return found[0]


def eval_json(text: str) -> list[str]:
    """A Dockerfile instruction's exec form (a JSON list)."""
    return json.loads(text)


def test_the_image_is_slim_runs_as_a_user_and_checks_its_health():
    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, flags=re.MULTILINE)
    assert instruction("USER") == "downhill" and "useradd" in instruction("RUN")
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

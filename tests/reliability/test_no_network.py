"""The demo runs with a socket audit hook in every process: no connection and no name lookup is attempted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_the_demo_opens_no_network_connection(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(Path(__file__).with_name("sitecustomize_no_network.py"), hooks / "sitecustomize.py")
    log = tmp_path / "network.log"
    log.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")]),
        "FITGAP_NETWORK_LOG": str(log),
    }
    done = subprocess.run(
        [sys.executable, "-m", "fitgap", "demo", "--out", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # The hook itself works: a lookup in a hooked process is recorded.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket\ntry: socket.getaddrinfo('example.invalid', 80)\nexcept OSError: pass"],
        env=env,
        check=False,
    )
    assert probe.returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and "example.invalid" in lines[0]

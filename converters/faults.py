"""Crash points for the reliability tests: a run killed there must leave the database whole.

When the environment variable ``FITGAP_FAULT`` names a point, the process kills itself there with SIGKILL —
no cleanup, no finally blocks, exactly like a power cut or ``kill -9``. Unset (always, outside those tests),
a point does nothing.
"""

from __future__ import annotations

import os
import signal

POINTS = ("read", "stage", "transform", "publish")


def point(name: str) -> None:
    if os.environ.get("FITGAP_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)

"""Installed as sitecustomize in the no-network test: every Python process (fitgap and the GX child) records
any attempt to open a network connection or resolve a host name."""

import os
import sys


def _audit(event: str, args: tuple) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
        target = args[1] if event == "socket.connect" and len(args) > 1 else args[0] if args else ""
        if event == "socket.connect" and isinstance(target, str):  # AF_UNIX paths are local
            return
        with open(os.environ["FITGAP_NETWORK_LOG"], "a", encoding="utf-8") as log:  # noqa: PTH123 - no pathlib this early
            log.write(f"{os.getpid()} {event} {target!r}\n")


sys.addaudithook(_audit)

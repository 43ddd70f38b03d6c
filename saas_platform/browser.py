"""Install the browser the browser tests drive, where this machine allows it.

``make test`` runs ``python -m saas_platform.browser`` first. The tests drive Debian's
Chromium (``/usr/bin/chromium``) through Playwright; on a machine without it this installs
the ``chromium`` package with apt-get when it can (as root, or through password-less sudo)
and otherwise says why the browser tests will be skipped. It never fails the test run: a
machine that cannot install a browser still runs every other test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def _apt_prefix() -> list[str] | None:
    """The command prefix that may run apt-get here, or None."""
    if shutil.which("apt-get") is None:
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo") is None:
        return None
    allowed = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
    return ["sudo", "-n"] if allowed.returncode == 0 else None


def _apt(prefix: list[str], *args: str) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = [*prefix, "apt-get", "-q", "-y", *args]
    print("[browser] " + " ".join(command), flush=True)
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
    return done.returncode == 0


def ensure() -> str:
    """Make sure Chromium is installed if it can be; return what happened, for the log."""
    if os.path.exists(CHROMIUM):
        return f"Chromium at {CHROMIUM}"
    prefix = _apt_prefix()
    if prefix is None:
        return (
            f"no Chromium at {CHROMIUM}, and apt-get cannot run here (not root, no "
            "password-less sudo): the browser tests will be skipped. Install it with "
            "`apt-get install chromium` to run them."
        )
    # A fresh machine's package lists may be missing or stale: update once and retry.
    if not _apt(prefix, "install", "chromium"):
        _apt(prefix, "update")
        _apt(prefix, "install", "chromium")
    if os.path.exists(CHROMIUM):
        return f"installed Chromium at {CHROMIUM}"
    return "apt-get could not install chromium: the browser tests will be skipped."


if __name__ == "__main__":
    print(f"[browser] {ensure()}", file=sys.stderr, flush=True)

"""bench/load.py is a load generator: it must stay bounded and on this machine. It is run as
the command it is (importing it would patch this process for gevent), and every refusal
comes before a single request is sent."""

import subprocess
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(LOAD), *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "target", ["http://192.0.2.10:8000", "http://[2001:db8::1]:8000", "https://127.0.0.1:8000"]
)
def test_a_target_off_this_machine_is_refused(target):
    result = load("--target", target, "--users", "1", "--time", "1s")
    assert result.returncode != 0
    assert "refused" in result.stderr
    assert "Load on" not in result.stdout  # nothing was sent


@pytest.mark.parametrize(
    ("option", "value"), [("--users", "501"), ("--users", "0"), ("--time", "11m"), ("--time", "x")]
)
def test_users_and_time_are_bounded(option, value):
    result = load(option, value, "--target", "http://127.0.0.1:9")
    assert result.returncode == 2  # argparse: the value is named in the message
    assert option in result.stderr

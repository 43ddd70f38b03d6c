import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTROLLED = ("SECRET_KEY", "DEBUG", "DEMO_MODE", "DEMO_PASSWORD", "ENV_FILE")


def _run_settings(code: str = "", module: str = "saas_platform.settings", **env):
    """Import a settings module in a fresh interpreter; ``.env`` files are read only when
    ``ENV_FILE`` is given (a developer's own ``.env`` must not decide these tests)."""
    clean = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    return subprocess.run(
        [sys.executable, "-c", f"import {module} as s\n{code}"],
        cwd=ROOT,
        env={**clean, "ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_boolean_is_refused_by_name():
    result = _run_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_production_starts_with_a_secret_key():
    assert _run_settings(DEBUG="0", SECRET_KEY="s3cret").returncode == 0


def test_settings_read_the_env_file_that_make_demo_writes(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEMO_MODE=1\nSECRET_KEY='from-the-file'\nDEMO_PASSWORD=rahasia-demo\n")
    result = _run_settings(
        "print(s.SECRET_KEY, s.DEMO_MODE, s.DEMO_PASSWORD)", DEBUG="0", ENV_FILE=str(env_file)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["from-the-file", "True", "rahasia-demo"]


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=from-the-file\nDEMO_PASSWORD=rahasia-demo\n")
    result = _run_settings(
        "print(repr(s.SECRET_KEY), repr(s.DEMO_PASSWORD))",
        DEBUG="0",
        ENV_FILE=str(env_file),
        SECRET_KEY="from-the-environment",
        DEMO_PASSWORD="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'from-the-environment' ''"  # set, even if empty


def test_settings_read_the_env_file_beside_manage_py_by_default():
    clean = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    result = subprocess.run(
        [sys.executable, "-c", "import saas_platform.settings as s; print(s.ENV_FILE)"],
        cwd=ROOT,
        env={**clean, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT / ".env")


def test_a_malformed_env_file_stops_with_its_path_and_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# written by make demo\nDEMO_MODE=1\nSECRET_KEY from the file\n")
    result = _run_settings(DEBUG="0", ENV_FILE=str(env_file))
    assert result.returncode != 0
    assert f"{env_file}, line 3" in result.stderr


def test_the_test_settings_ignore_env_files(tmp_path):
    # `make test` must behave the same whether or not `make demo` has written a .env.
    env_file = tmp_path / ".env"
    env_file.write_text("DEMO_MODE=1\nSECRET_KEY=from-the-file\nDEMO_PASSWORD=rahasia-demo\n")
    result = _run_settings(
        "print(s.ENV_FILE == '', s.SECRET_KEY, s.DEMO_MODE, s.DEMO_PASSWORD)",
        module="saas_platform.settings_test",
        ENV_FILE=str(env_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "sinergi-tests-only", "False", "sinergi-demo"]

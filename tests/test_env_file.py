"""The .env reader: KEY=VALUE lines, comments and quotes; anything else is refused by line."""

import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from saas_platform.env import env_file_load, env_file_read, env_file_write


def _read(tmp_path, text: str) -> dict[str, str]:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return env_file_read(path)


def test_keys_values_comments_and_blank_lines(tmp_path):
    text = (
        "# written by make demo\n"
        "\n"
        "DEMO_MODE=1\n"
        "  PLATFORM_PORT=8000  \n"
        "EMPTY=\n"
        "DATABASE_URL=postgres://u:p@db:5432/sinergi?sslmode=require\n"
        "   # an indented comment\n"
    )
    assert _read(tmp_path, text) == {
        "DEMO_MODE": "1",
        "PLATFORM_PORT": "8000",
        "EMPTY": "",
        "DATABASE_URL": "postgres://u:p@db:5432/sinergi?sslmode=require",
    }


def test_quoted_values(tmp_path):
    text = (
        "SINGLE='two words # not a comment'\n"
        'DOUBLE="say \\"hi\\"\\\\n\\nnext line"\n'
        "LITERAL='C:\\path\\n'\n"
        'EMPTY=""\n'
        "SPACED='x'   \n"
    )
    assert _read(tmp_path, text) == {
        "SINGLE": "two words # not a comment",
        "DOUBLE": 'say "hi"\\n\nnext line',
        "LITERAL": "C:\\path\\n",
        "EMPTY": "",
        "SPACED": "x",
    }


def test_a_missing_file_is_empty(tmp_path):
    assert env_file_read(tmp_path / "no-such.env") == {}


@pytest.mark.parametrize(
    "line, reason",
    [
        ("SECRET_KEY", "expected KEY=VALUE"),
        ("export SECRET_KEY=x", "expected KEY=VALUE"),
        ("1KEY=x", "expected KEY=VALUE"),
        ("SECRET KEY=x", "expected KEY=VALUE"),
        ("KEY=two words", "quote a value with spaces"),
        ("KEY=value # comment", "quote a value with spaces"),
        ("KEY=it's", "quote"),
        ("KEY='open", "no closing quote"),
        ('KEY="open', "no closing quote"),
        ("KEY='a' b", "after the closing quote"),
        ('KEY="a\\tb"', "unknown escape"),
    ],
)
def test_a_malformed_line_is_refused_with_the_file_and_line(tmp_path, line, reason):
    path = tmp_path / ".env"
    path.write_text(f"# comment\nGOOD=1\n{line}\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured) as error:
        env_file_read(path)
    assert str(error.value).startswith(f"{path}, line 3: ")
    assert reason in str(error.value)


def test_a_key_set_twice_is_refused(tmp_path):
    path = tmp_path / ".env"
    path.write_text("KEY=1\nKEY=2\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=r"line 2: KEY is already set on line 1"):
        env_file_read(path)


def test_loading_never_overrides_the_environment(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    path.write_text("SINERGI_T_SET=from-file\nSINERGI_T_EMPTY=from-file\nSINERGI_T_NEW=x\n")
    monkeypatch.setenv("SINERGI_T_SET", "from-environment")
    monkeypatch.setenv("SINERGI_T_EMPTY", "")
    monkeypatch.delenv("SINERGI_T_NEW", raising=False)
    try:
        assert env_file_load(path) == ["SINERGI_T_NEW"]
        assert os.environ["SINERGI_T_SET"] == "from-environment"
        assert os.environ["SINERGI_T_EMPTY"] == ""
        assert os.environ["SINERGI_T_NEW"] == "x"
    finally:
        os.environ.pop("SINERGI_T_NEW", None)


def test_what_is_written_reads_back_the_same_and_only_the_owner_can_read_it(tmp_path):
    values = {
        "SECRET_KEY": "aZ09-_.~:/@%+,=",
        "DEMO_PASSWORD": 'it\'s a "secret" # with \\ and\nlines',
        "EMPTY": "",
        "SPACES": "two words",
    }
    path = tmp_path / ".env"
    env_file_write(path, values, header="Written by a test.\nSecond line.")
    assert env_file_read(path) == values
    assert path.read_text().startswith("# Written by a test.\n# Second line.\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writing_refuses_a_bad_key(tmp_path):
    with pytest.raises(ValueError):
        env_file_write(tmp_path / ".env", {"BAD KEY": "x"}, header="")

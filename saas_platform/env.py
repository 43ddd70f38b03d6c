"""Strict readers for settings that come from the environment, and for the ``.env`` file.

A malformed value stops the process with a message naming the variable (or the file and
line), instead of silently falling back to a default (the healthchecks ``envbool`` idea).
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


# --- The .env file --------------------------------------------------------------------------
# ``make demo`` writes its settings to ``.env`` so that the README's commands work in a plain
# shell. The format is deliberately small: KEY=VALUE lines, ``#`` comment lines, blank lines,
# values in single quotes (literal) or double quotes (escapes \\ \" \n). Anything else stops
# the process with the file and line, rather than being read some other way than meant.

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE = re.compile(r"[A-Za-z0-9_\-.~:/@%+,=]*")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


def env_file_read(path: Path) -> dict[str, str]:
    """The variables ``path`` sets; an absent file sets none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise ImproperlyConfigured(f"{path}: not UTF-8 text ({exc.reason})") from None
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            key, value = _env_line_parse(stripped)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{path}, line {number}: {exc}") from None
        if key in values:
            raise ImproperlyConfigured(
                f"{path}, line {number}: {key} is already set on line {lines[key]}"
            )
        values[key], lines[key] = value, number
    return values


def _env_line_parse(line: str) -> tuple[str, str]:
    key, equals, raw = line.partition("=")
    if not equals or not _KEY.fullmatch(key):
        raise ValueError("expected KEY=VALUE (a letter or _ first, then letters, digits, _)")
    if raw[:1] in ("'", '"'):
        return key, _quoted_parse(raw)
    if any(char.isspace() for char in raw):
        raise ValueError("quote a value with spaces (comments go on a line of their own)")
    if "'" in raw or '"' in raw:
        raise ValueError("a quote inside a value: quote the whole value")
    return key, raw


def _quoted_parse(raw: str) -> str:
    quote, chars, index = raw[0], [], 1
    while index < len(raw):
        char = raw[index]
        if char == quote:
            if raw[index + 1 :].strip():
                raise ValueError("text after the closing quote")
            return "".join(chars)
        if char == "\\" and quote == '"':
            escaped = raw[index + 1 : index + 2]
            if escaped not in _ESCAPES:
                raise ValueError(
                    f'unknown escape \\{escaped} in double quotes (use \\\\, \\" or \\n, '
                    "or single quotes for text taken as it is)"
                )
            chars.append(_ESCAPES[escaped])
            index += 2
            continue
        chars.append(char)
        index += 1
    raise ValueError(f"no closing quote ({quote})")


def env_file_load(path: Path) -> list[str]:
    """Set the variables of ``path`` that the environment does not set (the environment wins,
    even with an empty value); return the names set."""
    loaded = []
    for key, value in env_file_read(path).items():
        if key not in os.environ:
            os.environ[key] = value
            loaded.append(key)
    return loaded


def env_file_write(path: Path, values: dict[str, str], *, header: str) -> None:
    """Write ``values`` so that ``env_file_read`` gives them back, readable by the owner only
    (the file holds a secret key), replacing the file in one step."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in values.items():
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a variable name: {key!r}")
        lines.append(f"{key}={_env_value_format(value)}")
    temporary = path.with_name(f"{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    os.chmod(temporary, 0o600)  # O_CREAT's mode does not apply to a file left from before
    os.replace(temporary, path)


def _env_value_format(value: str) -> str:
    if _BARE.fullmatch(value):
        return value
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'

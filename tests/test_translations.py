"""Bahasa Indonesia first: every message of the catalogue is translated, none is fuzzy,
and the compiled catalogue (.mo, what Django reads) matches its source (.po)."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "id" / "LC_MESSAGES"


def _entries() -> list[dict]:
    """The entries of django.po: {"flags", "msgid", "msgid_plural", "msgstr"…} (a small reader
    for the subset of the format makemessages writes)."""
    entries, current, key = [], None, None
    for line in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current if current is not None else {"flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [
        e["msgid"]
        for e in _entries()
        if "fuzzy" in e["flags"] or not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []


def test_the_compiled_catalogue_matches_its_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in _entries()
        if "msgstr" in e and "msgctxt" not in e and catalogue.gettext(e["msgid"]) != e["msgstr"]
    ]
    assert stale == [], "run: manage.py compilemessages -l id (the .mo is older than the .po)"

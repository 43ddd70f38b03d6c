"""Moved to core.importing.tabular (kept only until core.demo follows; do not use)."""

from core.importing.tabular import *  # noqa: F403
from core.importing.tabular import write_xlsx  # noqa: F401

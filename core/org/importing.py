"""Moved: the import engine is core.importing, the org importers core.org.imports.
(Kept only until core.demo follows; do not use.)"""

from core.importing.report import ImportReport  # noqa: F401
from core.org.imports import KINDS, ORG_IMPORTERS, people_import  # noqa: F401

SPECS = {kind: importer.columns for kind, importer in ORG_IMPORTERS.items()}

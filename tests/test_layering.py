"""The layering DESIGN.md decision 12 asks for, checked on the source: tenants/ never imports
onboarding/ (onboarding calls tenants' services, not the reverse); core modules reach each
other through core.org and the shared apps, never through onboarding."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add((str(path.relative_to(ROOT)), node.module))
            elif isinstance(node, ast.Import):
                found.update((str(path.relative_to(ROOT)), alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"), [("tenants", "onboarding"), ("core", "onboarding")]
)
def test_a_lower_layer_never_imports_a_higher_one(package, forbidden):
    offending = sorted(
        f"{path}: {module}"
        for path, module in _imports(package)
        if module == forbidden or module.startswith(f"{forbidden}.")
    )
    assert offending == []

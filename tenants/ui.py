"""The tenants app's menus and cards (discovered by core.ui at start-up)."""

from tenants import billing_ui  # noqa: F401

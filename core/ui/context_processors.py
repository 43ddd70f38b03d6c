def navigation(request):
    """The menus of the signed-in user at a Pemda (none on the platform site)."""
    from core.ui.registry import nav_for

    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or tenant.is_platform or user is None or not user.is_authenticated:
        return {"nav_groups": []}
    return {"nav_groups": nav_for(user)}

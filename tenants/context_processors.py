def pemda(request):
    tenant = getattr(request, "tenant", None)
    return {"pemda": tenant if tenant is not None and not tenant.is_platform else None}

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def tenant_home(request):
    """A Pemda's home: which Pemda this is, who is logged in, and in what role."""
    return render(request, "core/tenant_home.html", {"user": request.user})

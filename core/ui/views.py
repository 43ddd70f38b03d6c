from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.ui.registry import cards_for
from tenants.models import Pemda


@login_required
def home(request):
    """A Pemda's home: the cards the modules offer this user's role. The Pemda comes with
    its province and template, which the heading shows (one query, not three)."""
    pemda = Pemda.objects.select_related("region__province", "template").get(pk=request.tenant.pk)
    return render(request, "ui/home.html", {"cards": cards_for(request), "pemda": pemda})

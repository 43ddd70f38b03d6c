from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.ui.registry import cards_for


@login_required
def home(request):
    """A Pemda's home: the cards the modules offer this user's role."""
    return render(request, "ui/home.html", {"cards": cards_for(request)})

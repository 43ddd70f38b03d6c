from django.db.models import QuerySet

from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda


def pemda_list_active() -> QuerySet[Pemda]:
    return (
        Pemda.objects.filter(is_template=False, status=PemdaStatus.ACTIVE)
        .select_related("region__province", "template")
        .order_by("region__province__code", "name")
    )


def template_list() -> QuerySet[Pemda]:
    return Pemda.objects.filter(is_template=True).order_by("name")

from django.core.management.base import BaseCommand

from tenants.models import Province, Region
from tenants.regions import regions_load


class Command(BaseCommand):
    help = "Insert or update provinces and regions from tenants/data/regions.csv."

    def handle(self, *args, **options):
        count = regions_load(province_model=Province, region_model=Region)
        self.stdout.write(f"{count} regions loaded")

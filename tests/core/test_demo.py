import pytest

from core.accounts.models import Role, User
from core.demo.pemda import DEMO_PEMDA
from core.demo.services import DemoModeRequired, demo_pemda_seed
from core.org.models import Employee, Unit
from core.org.nip import nip_is_valid
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tests.conftest import client_for, login

pytestmark = pytest.mark.django_db

EXPECTED_SLUGS = {
    "surabaya",
    "kota-jambi",
    "surakarta",
    "prov-jabar",
    "prov-bengkulu",
    "prov-jambi",
    "solok-selatan",
    "mamuju-tengah",
    "buol",
    "muna",
    "sigi",
    "barru",
    "grobogan",
    "samarinda",
}


def test_demo_data_needs_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(DemoModeRequired):
        demo_pemda_seed(password="demo-12345")
    assert not Pemda.objects.filter(slug="surakarta").exists()


def test_demo_seeds_the_fourteen_pemda_once(settings):
    settings.DEMO_MODE = True
    seeded = demo_pemda_seed(password="demo-12345")

    assert {pemda.slug for pemda in seeded} == EXPECTED_SLUGS == {item.slug for item in DEMO_PEMDA}
    assert all(pemda.status == PemdaStatus.ACTIVE for pemda in seeded)
    jabar = Pemda.objects.get(slug="prov-jabar")
    assert (jabar.name, jabar.code, jabar.template.schema_name) == (
        "Provinsi Jawa Barat",
        "32",
        "tpl_jabar",
    )
    assert Pemda.objects.get(slug="kota-jambi").template.schema_name == "tpl_surabaya"
    assert Pemda.objects.get(slug="barru").time_zone == "Asia/Makassar"

    buol = Pemda.objects.get(slug="buol")
    with buol:
        accounts = list(User.objects.all())
    roles = {user.role for user in accounts}
    assert {Role.TENANT_ADMIN, Role.LEADER, Role.HEAD_OF_OPD, Role.ATASAN, Role.EMPLOYEE} <= roles
    nips = [user.nip for user in accounts if user.nip]
    assert len(nips) >= 4 and all(nip_is_valid(nip) for nip in nips)
    sizes = {}
    for pemda in seeded:
        with pemda:
            sizes[pemda.slug] = (Unit.objects.count(), Employee.objects.count())
    assert all(units > 50 and employees >= 120 for units, employees in sizes.values())
    assert sizes["surabaya"][1] > sizes["kota-jambi"][1] > sizes["buol"][1]

    lines = []
    demo_pemda_seed(password="demo-12345", log=lines.append)  # again: nothing new
    with buol:
        assert User.objects.count() == len(accounts)
    assert len(lines) == len(EXPECTED_SLUGS)
    assert all("(0 new, 0 changed)" in line for line in lines)
    assert Pemda.objects.filter(is_template=False).count() == len(EXPECTED_SLUGS)


def test_demo_admin_and_employee_log_in_with_the_demo_password(settings):
    settings.DEMO_MODE = True
    assert [pemda.slug for pemda in demo_pemda_seed(password="demo-12345", only="sigi")] == ["sigi"]
    sigi = Pemda.objects.get(slug="sigi")
    assert login(client_for(sigi), "admin", "demo-12345").status_code == 302
    with sigi:
        persona = User.objects.get(username="pegawai1").nip
        imported = Employee.objects.exclude(user__username="pegawai1").first().nip
    assert login(client_for(sigi), persona, "demo-12345").status_code == 302
    assert login(client_for(sigi), imported, "demo-12345").status_code == 302

import pytest

from core.accounts.models import Role, User
from core.demo.pemda import DEMO_PEMDA
from core.demo.services import (
    DemoModeRequired,
    demo_leader_name,
    demo_pemda_seed,
    demo_platform_staff_seed,
)
from core.org.models import Employee, Unit
from core.org.nip import nip_is_valid
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda, Region
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

    staff = User.objects.get(username="staff")  # the platform's account, in public
    assert (staff.role, staff.is_staff) == (Role.PLATFORM_STAFF, True)

    lines = []
    demo_pemda_seed(password="demo-12345", log=lines.append)  # again: nothing new
    with buol:
        assert User.objects.count() == len(accounts)
    assert len(lines) == len(EXPECTED_SLUGS)
    assert all("(0 new, 0 changed)" in line for line in lines)
    assert User.objects.filter(username="staff").count() == 1
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


@pytest.mark.parametrize(
    "code, name",
    [("15.71", "Wali Kota Jambi"), ("72.05", "Bupati Buol"), ("32", "Gubernur Jawa Barat")],
)
def test_the_leader_is_named_by_title_and_region_without_repeating_its_kind(code, name):
    assert demo_leader_name(Region.objects.get(code=code)) == name


def test_seeding_again_corrects_the_name_of_a_leader_seeded_before_the_fix(settings):
    settings.DEMO_MODE = True
    demo_pemda_seed(password="demo-12345", only="buol")
    buol = Pemda.objects.get(slug="buol")
    with buol:
        assert User.objects.get(username="pimpinan").name == "Bupati Buol"
        User.objects.filter(username="pimpinan").update(name="Bupati Kabupaten Buol")

    demo_pemda_seed(password="demo-12345", only="buol")
    with buol:
        assert User.objects.get(username="pimpinan").name == "Bupati Buol"


def test_demo_platform_staff_logs_in_at_the_platform_and_reaches_the_admin(
    settings, platform_client
):
    settings.DEMO_MODE = True
    demo_platform_staff_seed(password="demo-12345")
    demo_platform_staff_seed(password="demo-12345")  # again: still one account
    assert User.objects.filter(username="staff").count() == 1

    assert login(platform_client, "staff", "demo-12345").status_code == 302
    assert 'href="/admin/"' in platform_client.get("/").content.decode()
    assert platform_client.get("/admin/").status_code == 200
    pemda_list = platform_client.get("/admin/tenants/pemda/").content.decode()
    assert "Kota Surabaya" in pemda_list


def test_the_platform_home_offers_the_admin_to_staff_only(platform_client):
    assert 'href="/admin/"' not in platform_client.get("/").content.decode()
    User.objects.create_user("pemohon", password="sandi-pemohon-1", role=Role.PROVINCIAL_ADMIN)
    assert login(platform_client, "pemohon", "sandi-pemohon-1").status_code == 302
    assert 'href="/admin/"' not in platform_client.get("/").content.decode()


def test_demo_platform_staff_needs_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(DemoModeRequired):
        demo_platform_staff_seed(password="demo-12345")
    assert not User.objects.filter(username="staff").exists()

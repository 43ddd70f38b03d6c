"""The UI shell's registry: which menus and cards each role gets, and the header."""

import re
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from core.accounts.models import Role
from core.ui import registry
from core.ui.context_processors import navigation
from core.ui.registry import HomeCard, NavEntry, card_register, cards_for, nav_for, nav_register
from tenants.middleware import platform_tenant

ORG_PAGES = {"/org/employees/", "/org/units/", "/org/positions/", "/org/workload/"}
ADMIN_PAGES = {"/import/", "/audit/", "/tagihan/", "/konfigurasi/"}
SIGNED_IN = ["admin", "mayor", "sekda", "head", "kabid", "kasub", "employee", "head_dinkes"]
MY_SKP, MY_TEAM, EVALUATIONS = "/kinerja/skp/", "/kinerja/tim/", "/kinerja/penilaian/"
CATALOGUE, OVERVIEW, CALIBRATION = "/kinerja/katalog/", "/kinerja/ikhtisar/", "/kinerja/kalibrasi/"
# The performance menu of each persona: their SKP and evaluations for whoever has an employee
# record, their team for an atasan, a head of OPD or the Sekda, the catalogue for those who plan or
# administer or lead, the overview and calibration for the admin, the leaders and the heads.
# The daily log and KPI (core/activity/ui_*.py) in the same menu: KPI and the cross-OPD
# teams for everyone; the log, its history and "my KPIs" for whoever has an employee
# record; approvals for whoever appraises; the real-time view for leaders, the admin and
# heads of OPD.
KPI = {"/aktivitas/kpi/", "/aktivitas/kpi/tim/"}
LOG = {"/aktivitas/", "/aktivitas/riwayat/", "/aktivitas/kpi/saya/"}
APPROVALS = "/aktivitas/persetujuan/"
REAL_TIME = "/aktivitas/pimpinan/"
PERFORMANCE_PAGES = {
    "admin": {CATALOGUE, OVERVIEW, CALIBRATION, *KPI, REAL_TIME},
    # a leader without an employee record
    "mayor": {CATALOGUE, OVERVIEW, CALIBRATION, *KPI, REAL_TIME},
    "sekda": {MY_SKP, MY_TEAM, EVALUATIONS, CATALOGUE, OVERVIEW, CALIBRATION},
    "head": {MY_SKP, MY_TEAM, EVALUATIONS, CATALOGUE, OVERVIEW, CALIBRATION},
    "head_dinkes": {MY_SKP, MY_TEAM, EVALUATIONS, CATALOGUE, OVERVIEW, CALIBRATION},
    "kabid": {MY_SKP, MY_TEAM, EVALUATIONS, CATALOGUE, APPROVALS},
    "kasub": {MY_SKP, MY_TEAM, EVALUATIONS, CATALOGUE, APPROVALS},
    "employee": {MY_SKP, EVALUATIONS},
}
for _persona in ("sekda", "head", "head_dinkes"):
    PERFORMANCE_PAGES[_persona] |= {*KPI, *LOG, APPROVALS, REAL_TIME}
for _persona in ("kabid", "kasub", "employee"):
    PERFORMANCE_PAGES[_persona] |= {*KPI, *LOG}
# The admin's own: attendance and the work calendar (Administrasi).
ACTIVITY_ADMIN_PAGES = {"/aktivitas/kehadiran/", "/aktivitas/kalender/"}


def header(response) -> str:
    page = response.content.decode()
    return page[page.index("<nav") : page.index("</nav>")]


def menus(response) -> dict[str, dict[str, str]]:
    """{menu title: {href: label}} of the navbar's dropdown menus."""
    found = {}
    for title, items in re.findall(
        r'data-bs-toggle="dropdown"[^>]*>([^<]+)</a>\s*<ul class="dropdown-menu">(.*?)</ul>',
        header(response),
        re.S,
    ):
        found[title.strip()] = dict(
            re.findall(r'class="dropdown-item" href="([^"]+)">([^<]+)</a>', items)
        )
    return found


def menu_links(response) -> set[str]:
    return {href for entries in menus(response).values() for href in entries}


def indonesian(msgid: str) -> str:
    """A label as the Pemda's pages show it (its translation, or the msgid until it has one)."""
    with translation.override("id"):
        return gettext(msgid)


def someone(role=Role.EMPLOYEE, *, authenticated=True):
    return SimpleNamespace(is_authenticated=authenticated, role=role)


# --- The registry itself ------------------------------------------------------------------


@pytest.fixture
def empty_registry(monkeypatch):
    """A registry of this test's own entries (the modules' entries stay untouched)."""
    monkeypatch.setattr(registry, "_NAV", [])
    monkeypatch.setattr(registry, "_CARDS", [])


def admins_only(user) -> bool:
    return user.role == Role.TENANT_ADMIN


@pytest.mark.usefixtures("empty_registry")
def test_menus_are_grouped_in_order_and_leave_out_what_the_role_may_not_open():
    nav_register(
        NavEntry("Administrasi", "Impor", "importing:start", admins_only, order=80),
        NavEntry("Organisasi", "Unit", "org:unit_list", order=11),
        NavEntry("Organisasi", "Pegawai", "org:employee_list", order=10),
    )

    admin = nav_for(someone(Role.TENANT_ADMIN))
    employee = nav_for(someone(Role.EMPLOYEE))

    assert [(group, [e.label for e in entries]) for group, entries in admin] == [
        ("Organisasi", ["Pegawai", "Unit"]),
        ("Administrasi", ["Impor"]),
    ]
    assert [(group, [e.label for e in entries]) for group, entries in employee] == [
        ("Organisasi", ["Pegawai", "Unit"])
    ]
    assert nav_for(someone(authenticated=False)) == []


@pytest.mark.usefixtures("empty_registry")
def test_a_module_registered_twice_adds_its_entries_once():
    entry = NavEntry("Organisasi", "Pegawai", "org:employee_list")
    card = HomeCard("org.me", "org/cards/me.html", lambda request: {})

    nav_register(entry, entry)
    nav_register(entry)
    card_register(card)
    card_register(card, HomeCard("org.me", "other.html", lambda request: {}))

    assert registry._NAV == [entry]
    assert registry._CARDS == [card]


@pytest.mark.usefixtures("empty_registry")
def test_two_cards_with_one_key_in_one_call_keep_the_first():
    first = HomeCard("org.me", "org/cards/me.html", lambda request: {})

    card_register(first, HomeCard("org.me", "other.html", lambda request: {}))

    assert registry._CARDS == [first]


@pytest.mark.usefixtures("empty_registry")
def test_cards_are_left_out_when_not_allowed_or_with_nothing_to_show():
    asked = []

    def context(value):
        def make(request):
            asked.append(value)
            return value

        return make

    card_register(
        HomeCard("b", "b.html", context({"n": 2}), order=20),
        HomeCard("a", "a.html", context({"n": 1}), order=10),
        HomeCard("empty", "e.html", context(None), order=30),
        HomeCard("admin", "x.html", context({"n": 3}), admins_only, order=40),
    )
    request = SimpleNamespace(user=someone(Role.EMPLOYEE))

    shown = cards_for(request)

    assert [(card.key, ctx) for card, ctx in shown] == [("a", {"n": 1}), ("b", {"n": 2})]
    assert {"n": 3} not in asked  # a card the role may not see is not even computed


def test_every_module_declares_its_menus_and_cards():
    keys = {card.key for card in registry._CARDS}
    assert {
        "org.me",
        "org.appraisees",
        "org.headcount",
        "org.completeness",
        "importing.recent",
        "audit.recent",
        "performance.my_skp",
        "performance.evaluation.waiting",
        "performance.ready_to_finalise",
    } <= keys
    assert {entry.url for entry in registry._NAV} >= ORG_PAGES | ADMIN_PAGES | {
        page for pages in PERFORMANCE_PAGES.values() for page in pages
    }


# --- Menus on the pages --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_signed_in_persona_has_the_organisation_menu(people, persona):
    links = menu_links(people[persona].get("/"))

    assert links >= ORG_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_only_the_admin_has_the_import_and_change_history_menus(people, persona):
    links = menu_links(people[persona].get("/org/employees/"))

    if persona == "admin":
        assert links == ORG_PAGES | ADMIN_PAGES | ACTIVITY_ADMIN_PAGES | PERFORMANCE_PAGES[persona]
    else:
        assert links == ORG_PAGES | PERFORMANCE_PAGES[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_menu_entry_opens_for_whoever_is_offered_it(people, persona):
    client = people[persona]

    opened = {href: client.get(href).status_code for href in menu_links(client.get("/"))}

    assert {href: status for href, status in opened.items() if status != 200} == {}


@pytest.mark.django_db
def test_the_admins_menus_read_organisasi_and_administrasi_with_impor_and_riwayat_perubahan(
    people,
):
    assert menus(people["admin"].get("/")) == {
        "Organisasi": {
            "/org/employees/": "Pegawai",
            "/org/units/": "Unit",
            "/org/positions/": "Jabatan",
            "/org/workload/": "Beban Kerja (ABK)",
        },
        "Administrasi": {
            "/import/": "Impor",
            "/audit/": "Riwayat perubahan",
            "/aktivitas/kehadiran/": indonesian("Attendance"),
            "/aktivitas/kalender/": indonesian("Work calendar"),
            "/tagihan/": "Tagihan",
            "/konfigurasi/": "Bagikan konfigurasi",
        },
        indonesian("Performance"): {
            CATALOGUE: indonesian("RHK catalogue"),
            OVERVIEW: indonesian("Overview"),
            CALIBRATION: indonesian("Calibration"),
            REAL_TIME: indonesian("Real-time view"),
            "/aktivitas/kpi/": indonesian("KPI (IKU)"),
            "/aktivitas/kpi/tim/": indonesian("Cross-OPD teams"),
        },
    }


@pytest.mark.django_db
def test_nobody_but_the_admin_may_open_the_admin_pages_either(people):
    for persona in SIGNED_IN[1:]:
        for url in ADMIN_PAGES:
            assert people[persona].get(url).status_code == 403, (persona, url)


@pytest.mark.django_db
def test_a_visitor_who_is_not_signed_in_sees_no_menu(people):
    response = people["anonymous"].get("/accounts/login/")

    assert response.status_code == 200
    assert menus(response) == {}
    assert "/org/" not in header(response)


@pytest.mark.django_db
def test_the_platform_site_shows_no_pemda_menus_even_to_a_signed_in_user(platform_client):
    from core.accounts.models import User

    anonymous = platform_client.get("/")
    User.objects.create_user("staf", password="staf-rahasia-1", role=Role.PLATFORM_STAFF)
    assert platform_client.login(username="staf", password="staf-rahasia-1")
    signed_in = platform_client.get("/")

    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert menus(response) == {}
        assert "/org/" not in response.content.decode()
    assert "Keluar" in header(signed_in)  # the header did render for a signed-in user


def test_a_signed_in_user_on_the_platform_site_gets_no_pemda_menus():
    request = RequestFactory().get("/")
    request.tenant = platform_tenant()
    request.user = someone(Role.TENANT_ADMIN)

    assert navigation(request) == {"nav_groups": []}


# --- The header -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("admin", "Admin BKPSDMD"),
        ("mayor", "Pimpinan"),
        ("head", "Kepala OPD"),
        ("kabid", "Atasan (penilai)"),
        ("employee", "Pegawai"),
    ],
)
def test_the_header_shows_the_role_once_as_a_badge_without_parentheses(people, persona, role):
    for url in ("/", "/org/employees/"):
        response = people[persona].get(url)
        nav = header(response)

        assert re.findall(r'<span class="badge[^"]*">([^<]*)</span>', nav) == [role]
        assert f"({role})" not in response.content.decode()
        assert "((" not in nav and "))" not in nav

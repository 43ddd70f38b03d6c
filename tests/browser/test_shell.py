"""The UI shell in a real browser: login, charts, menus, the phone layout, the searchable
unit picker and the language menu; screenshots of the main pages go to /tmp/shots/."""

import re
import time
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DESKTOP, PHONE, SHOTS, SLUG, browser_missing
from tests.conftest import PASSWORD
from tests.personas import ANALIS

if reason := browser_missing():
    pytest.skip(reason, allow_module_level=True)

expect = pytest.importorskip("playwright.sync_api").expect

ORG_PAGES = ["/org/employees/", "/org/units/", "/org/positions/", "/org/workload/"]
NEW_NIP = "199202022019032007"


# Every chart of the page exists and has finished its opening animation.
CHARTS_DRAWN = """[...document.querySelectorAll('canvas[data-chart]')].every(c => {
    const chart = window.Chart && Chart.getChart(c);
    return chart && !Chart.animator.running(chart);
})"""


def charts_drawn(page, timeout=5.0) -> None:
    """Wait until CHARTS_DRAWN holds. Not ``page.wait_for_function``: it evaluates its
    predicate with eval inside the page, which the Content-Security-Policy refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(CHARTS_DRAWN):
        assert time.monotonic() < deadline, "the charts were not drawn"
        page.wait_for_timeout(50)


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0: it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.django_db
def test_no_database_test_sees_the_browsers_pemda():
    """pytest-django runs database tests first, so Sidoarjo does not exist yet; this mark
    also makes pytest-django create the test database when only this package is run."""
    from tenants.models import Pemda

    assert Pemda.objects.filter(slug=SLUG).exists() is False
    assert Pemda.objects.filter(slug="surabaya").exists()


def test_the_admin_logs_in_and_the_home_page_draws_its_charts(open_as):
    page = open_as(None)
    page.goto("/")
    assert urlsplit(page.url)[2:4] == ("/accounts/login/", "next=/")

    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()

    assert urlsplit(page.url).path == "/"
    expect(page.locator("h1")).to_contain_text("Selamat datang, Admin BKPSDMD")
    charts_drawn(page)
    charts = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].map(c => {
            const chart = Chart.getChart(c), box = c.getBoundingClientRect();
            return {type: chart.config.type, labels: chart.data.labels,
                    data: chart.data.datasets[0].data, drawn: box.width > 0 && box.height > 0};
        })"""
    )
    assert charts == [
        {"type": "doughnut", "labels": ["PNS", "PPPK"], "data": [7, 1], "drawn": True},
        {
            "type": "bar",
            "labels": [
                "Badan Kepegawaian dan Pengembangan SDM Daerah",
                "Dinas Kesehatan",
                "Sekretariat Daerah",
            ],
            "data": [5, 2, 1],
            "drawn": True,
        },
    ]
    assert page.js_errors == []


def test_the_menu_opens_and_lists_the_org_pages(open_as):
    page = open_as("admin")
    page.goto("/")

    toggle = page.locator("#main-nav .dropdown-toggle", has_text="Organisasi")
    menu = page.locator("#main-nav .dropdown-menu").first
    expect(menu).to_be_hidden()
    toggle.click()

    expect(menu).to_be_visible()
    links = menu.locator("a.dropdown-item")
    assert [link.get_attribute("href") for link in links.all()] == ORG_PAGES
    expect(links).to_have_text(["Pegawai", "Unit", "Jabatan", "Beban Kerja (ABK)"])
    with page.expect_navigation():
        links.nth(1).click()
    assert page.url.endswith("/org/units/")
    expect(page.locator("h1")).to_have_text("Unit")


def test_on_a_phone_the_navbar_collapses_into_a_toggler_and_the_list_fits(open_as):
    page = open_as("admin", PHONE)
    page.goto("/org/employees/")

    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#main-nav")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    toggler.click()
    expect(page.locator("#main-nav")).to_be_visible()
    page.locator("#main-nav .dropdown-toggle", has_text="Organisasi").click()
    expect(page.locator("#main-nav a.dropdown-item[href='/org/workload/']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_unit_picker_finds_a_unit_by_part_of_its_name_and_saves_the_employee(open_as, sidoarjo):
    from core.org.models import Employee

    page = open_as("admin")
    page.goto("/org/employee/new/")
    page.fill("#id_nip", NEW_NIP)
    page.fill("#id_name", "Nur Aini")
    page.select_option("#id_status", "PNS")
    page.select_option("#id_golongan", "III/b")

    unit = page.locator("#id_unit-ts-control")
    expect(page.locator("select#id_unit")).to_have_class(re.compile(r"\btomselected\b"))
    unit.click()
    unit.press_sequentially("dikla")
    option = page.locator("#id_unit-ts-dropdown .option", has_text="Subbidang Diklat")
    expect(option).to_have_count(1)
    expect(page.locator("#id_unit-ts-dropdown .option")).to_have_count(1)
    option.click()
    expect(page.locator("select#id_unit")).to_have_value("BKPSDMD.1.1")

    position = page.locator("#id_position-ts-control")
    position.click()
    position.press_sequentially("analis")
    page.locator("#id_position-ts-dropdown .option", has_text="Analis SDM Aparatur").click()
    expect(page.locator("select#id_position")).to_have_value("ANALIS")

    with page.expect_navigation():
        page.locator("form button[type=submit]", has_text="Simpan").click()

    assert re.search(r"/org/employees/\d+/$", page.url), page.url
    expect(page.locator("main")).to_contain_text("Subbidang Diklat")
    with sidoarjo:
        saved = Employee.objects.select_related("unit", "position").get(nip=NEW_NIP)
    assert (saved.unit.code, saved.position.code) == ("BKPSDMD.1.1", "ANALIS")
    assert page.js_errors == []


def test_the_language_menu_switches_to_english(open_as):
    page = open_as("admin")
    page.goto("/org/employees/")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/org/employees/")
    expect(page.locator("h1")).to_have_text("Employees")
    expect(page.locator("#main-nav .dropdown-toggle").first).to_have_text("Organisation")


def header_layout(page) -> dict:
    return page.evaluate(
        """() => {
            const brand = document.querySelector('.navbar-brand');
            const name = document.querySelector('#user-menu .user-name');
            const badge = document.querySelector('#user-menu .badge');
            return {
                brand_cut: brand.scrollWidth > brand.clientWidth,
                name_beside_badge: Math.abs(name.getBoundingClientRect().top
                    - badge.getBoundingClientRect().top) < 8,
                navbar_height: document.querySelector('nav.navbar').offsetHeight,
            };
        }"""
    )


@pytest.mark.parametrize(
    "who",
    [
        ANALIS,
        "admin",
    ],
)
def test_on_a_desktop_the_header_shows_the_pemdas_name_and_the_user_on_one_line(open_as, who):
    page = open_as(who)
    page.goto("/")

    assert header_layout(page) == {
        "brand_cut": False,
        "name_beside_badge": True,
        "navbar_height": 56,
    }


PAGES = [
    ("home-admin", "admin", "/"),
    ("home-employee", ANALIS, "/"),
    ("employee-list", "admin", "/org/employees/"),
    ("employee-form", "admin", "/org/employee/new/"),
    ("import", "admin", "/import/"),
    ("audit", "admin", "/audit/"),
    ("workload", "admin", "/org/workload/"),
]


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_screenshots_of_the_main_pages(open_as, viewport, suffix):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {who: open_as(who, viewport) for who in {who for _name, who, _url in PAGES}}
    overflow = {}
    for name, who, url in PAGES:
        page = pages[who]
        response = page.goto(url)
        assert response.status == 200, (name, response.status)
        page.wait_for_load_state("load")
        charts_drawn(page)
        page.screenshot(path=SHOTS / f"{name}-{suffix}.png", full_page=True)
        overflow[name] = horizontal_overflow(page)
    assert all(not page.js_errors for page in pages.values())
    assert overflow == dict.fromkeys(overflow, 0)

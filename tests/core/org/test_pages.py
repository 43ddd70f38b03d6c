"""The org pages of the UI shell: staff counts, the home page's ``?missing=`` lists, the
searchable pickers (lookups and record forms) and one scope for every list."""

import re

import pytest
from django.utils import translation

from core.accounts.models import User
from core.org.access import scope_description
from core.org.models import ActivityNorm, Employee, Position, Unit
from tests.factories import UnitFactory
from tests.personas import (
    ANALIS,
    EVERYONE,
    KABAN,
    KABID,
    KADINKES,
    KASUB,
    LOGINS,
    PPPK,
    STAF_DINKES,
)

pytestmark = pytest.mark.django_db

BKPSDMD_UNITS = {"BKPSDMD", "BKPSDMD.1", "BKPSDMD.1.1"}
ALL_UNITS = BKPSDMD_UNITS | {"SETDA", "DINKES"}
ALL_POSITIONS = {"SEKDA", "KABAN", "KABID", "KASUB", "ANALIS", "KADINKES", "PENGADMIN"}


def listed(response) -> list:
    return list(response.context["page"].object_list)


def codes(response) -> set[str]:
    return {row.code for row in listed(response)}


def lookup(client, what, q=""):
    response = client.get(f"/org/lookup/{what}/", {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def user_of(surabaya, persona) -> User:
    login = LOGINS[persona]
    with surabaya:
        return User.objects.get(nip=login) if login.isdigit() else User.objects.get(username=login)


# --- Staff counts ---------------------------------------------------------------------------


def test_the_unit_list_counts_the_staff_of_each_unit_and_everything_below(people):
    response = people["admin"].get("/org/units/")

    staff = {unit.code: unit.staff for unit in listed(response)}

    assert staff == {"SETDA": 1, "BKPSDMD": 5, "BKPSDMD.1": 4, "BKPSDMD.1.1": 3, "DINKES": 2}
    bkpsdmd = re.search(
        r"<tr><td[^>]*>Badan Kepegawaian[^<]*</td>.*?<td class=\"text-end\">(\d+)</td></tr>",
        response.content.decode(),
    )
    assert bkpsdmd.group(1) == "5"


def test_former_employees_are_not_counted_in_a_unit(people, surabaya):
    with surabaya:
        Employee.objects.filter(nip=PPPK).update(is_active=False)

    staff = {unit.code: unit.staff for unit in listed(people["admin"].get("/org/units/"))}

    assert (staff["BKPSDMD"], staff["BKPSDMD.1.1"]) == (4, 2)


def test_the_head_of_an_opd_sees_the_counts_of_their_opd(people):
    staff = {unit.code: unit.staff for unit in listed(people["head"].get("/org/units/"))}

    assert staff == {"BKPSDMD": 5, "BKPSDMD.1": 4, "BKPSDMD.1.1": 3}


# --- The lists the home page links to -------------------------------------------------------


def test_missing_email_lists_only_employees_without_one(people):
    response = people["admin"].get("/org/employees/?missing=email")

    assert {e.nip for e in listed(response)} == EVERYONE - {KASUB}  # only Dewi has one
    page = response.content.decode()
    assert 'class="alert alert-warning' in page and 'href="?"' in page  # and a way back
    assert 'name="missing" value="email"' in page  # kept when the filters are used


def test_missing_email_keeps_to_the_users_scope_and_the_other_filters(people):
    head = people["head"].get("/org/employees/?missing=email")
    searched = people["admin"].get("/org/employees/?missing=email&q=Rudi")

    assert {e.nip for e in listed(head)} == {KABAN, KABID, ANALIS, PPPK}
    assert [e.nip for e in listed(searched)] == [ANALIS]


@pytest.mark.usefixtures("gaps")
def test_missing_norms_lists_only_positions_without_norma_waktu(people):
    response = people["admin"].get("/org/positions/?missing=norms")

    assert codes(response) == ALL_POSITIONS - {"ANALIS"}
    assert 'name="missing" value="norms"' in response.content.decode()


@pytest.mark.usefixtures("gaps")
def test_missing_head_lists_only_units_without_a_head(people):
    response = people["admin"].get("/org/units/?missing=head")

    assert codes(response) == {"BKPSDMD.2"}
    assert [unit.staff for unit in listed(response)] == [0]
    assert codes(people["head_dinkes"].get("/org/units/?missing=head")) == set()


@pytest.mark.usefixtures("gaps")
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/org/employees/?missing=bogus", len(EVERYONE)),
        ("/org/positions/?missing=email", len(ALL_POSITIONS)),
        ("/org/units/?missing=", len(ALL_UNITS) + 1),
    ],
)
def test_an_unknown_missing_filter_is_ignored(people, url, expected):
    response = people["admin"].get(url)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected
    assert 'class="alert alert-warning' not in response.content.decode()


# --- Lookups for the searchable pickers -----------------------------------------------------


def test_a_lookup_answers_value_and_text_pairs(people):
    units = people["admin"].get("/org/lookup/units/", {"q": "diklat"})
    employees = lookup(people["admin"], "employees", "rudi")
    positions = lookup(people["admin"], "positions", "KABID")

    assert units["Content-Type"] == "application/json"
    assert units.json() == {
        "results": [{"value": "BKPSDMD.1.1", "text": "Subbidang Diklat (BKPSDMD.1.1)"}]
    }
    assert employees == [
        {"value": ANALIS, "text": f"Rudi Hartono ({ANALIS}) — Analis SDM Aparatur"}
    ]
    assert positions == [{"value": "KABID", "text": "Kepala Bidang (KABID)"}]


def test_an_employee_is_found_by_a_nip_typed_with_spaces(people):
    assert [row["value"] for row in lookup(people["admin"], "employees", "1990 0101 2015")] == [
        ANALIS
    ]


@pytest.mark.parametrize(
    ("persona", "employees", "units", "positions"),
    [
        ("admin", EVERYONE, ALL_UNITS, ALL_POSITIONS),
        ("mayor", EVERYONE, ALL_UNITS, ALL_POSITIONS),
        ("sekda", EVERYONE, ALL_UNITS, ALL_POSITIONS),
        (
            "head",
            {KABAN, KABID, KASUB, ANALIS, PPPK},
            BKPSDMD_UNITS,
            {"KABAN", "KABID", "KASUB", "ANALIS"},
        ),
        ("head_dinkes", {KADINKES, STAF_DINKES}, {"DINKES"}, {"KADINKES", "PENGADMIN"}),
        ("kabid", {KABID, KASUB}, {"BKPSDMD.1", "BKPSDMD.1.1"}, {"KABID", "KASUB"}),
        ("kasub", {KASUB, ANALIS, PPPK}, {"BKPSDMD.1.1"}, {"KASUB", "ANALIS"}),
        ("employee", {ANALIS}, {"BKPSDMD.1.1"}, {"ANALIS"}),
    ],
)
def test_lookups_offer_only_what_the_user_may_see(people, persona, employees, units, positions):
    client = people[persona]

    assert {row["value"] for row in lookup(client, "employees")} == employees
    assert {row["value"] for row in lookup(client, "units")} == units
    assert {row["value"] for row in lookup(client, "positions")} == positions


def test_searching_does_not_widen_the_scope(people):
    assert lookup(people["employee"], "employees", "Ayu") == []
    assert lookup(people["employee"], "employees", PPPK) == []
    assert lookup(people["kasub"], "units", "Dinas") == []
    assert lookup(people["head_dinkes"], "positions", "Analis") == []


def test_former_employees_are_not_offered(people, surabaya):
    with surabaya:
        Employee.objects.filter(nip=PPPK).update(is_active=False)

    assert lookup(people["admin"], "employees", "Ayu") == []


def test_a_lookup_answers_at_most_twenty_options(people, surabaya):
    with surabaya:
        UnitFactory.create_batch(30, name="Seksi Uji")

    assert len(lookup(people["admin"], "units", "Seksi Uji")) == 20


@pytest.mark.parametrize("what", ["units", "positions", "employees"])
def test_a_lookup_needs_a_login(people, what):
    response = people["anonymous"].get(f"/org/lookup/{what}/?q=a")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("what", ["units", "positions", "employees"])
@pytest.mark.parametrize("q", ["\x00", "Rudi\x00", "x" * 100, "9" * 100, "a" * 5000, "%_\\'"])
def test_an_odd_lookup_query_is_answered_without_a_server_error(people, what, q):
    response = people["admin"].get(f"/org/lookup/{what}/", {"q": q})

    if "\x00" in q:
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert response.json() == {"results": []}


def test_an_unknown_lookup_is_a_404(people):
    assert people["admin"].get("/org/lookup/passwords/?q=a").status_code == 404


# --- Record forms pick units and positions from a searchable list ---------------------------


def select(page: str, name: str) -> tuple[str, bool, list[tuple[str, bool, str]]]:
    """Of the select named ``name``: its tag, whether its empty choice (always first) is
    selected, and its other options as (value, selected, text)."""
    found = re.search(rf'(<select name="{name}"[^>]*>)(.*?)</select>', page, re.S)
    assert found, f"no select named {name}"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', found.group(2))
    options = [(value, bool(chosen), text) for value, chosen, text in options]
    assert options[0][0] == "", options
    return found.group(1), options[0][1], options[1:]


@pytest.mark.parametrize(
    ("url", "pickers"),
    [
        ("/org/employee/new/", {"unit": "units", "position": "positions"}),
        ("/org/position/new/", {"unit": "units"}),
        ("/org/unit/new/", {"parent": "units"}),
    ],
)
def test_a_new_record_form_picks_from_a_searchable_list_with_nothing_preloaded(
    people, url, pickers
):
    page = people["admin"].get(url).content.decode()

    for name, what in pickers.items():
        tag, nothing_chosen, options = select(page, name)
        assert f'data-search-url="/org/lookup/{what}/"' in tag
        assert nothing_chosen
        assert options == []  # thousands of rows: they are fetched as one types


def test_the_employee_form_shows_the_chosen_unit_and_position_on_edit(people, surabaya):
    with surabaya:
        pk = Employee.objects.get(nip=ANALIS).pk

    page = people["admin"].get(f"/org/employee/{pk}/edit/").content.decode()

    assert select(page, "unit")[1:] == (
        False,
        [("BKPSDMD.1.1", True, "Subbidang Diklat (BKPSDMD.1.1)")],
    )
    assert select(page, "position")[2] == [("ANALIS", True, "Analis SDM Aparatur (ANALIS)")]


def test_the_unit_and_position_forms_show_the_chosen_unit_on_edit(people, surabaya):
    with surabaya:
        unit = Unit.objects.get(code="BKPSDMD.1").pk
        position = Position.objects.get(code="KABID").pk

    unit_page = people["admin"].get(f"/org/unit/{unit}/edit/").content.decode()
    position_page = people["admin"].get(f"/org/position/{position}/edit/").content.decode()

    assert select(unit_page, "parent")[2] == [
        ("BKPSDMD", True, "Badan Kepegawaian dan Pengembangan SDM Daerah (BKPSDMD)")
    ]
    assert select(position_page, "unit")[2] == [
        ("BKPSDMD.1", True, "Bidang Pengembangan Kompetensi (BKPSDMD.1)")
    ]


def test_a_posted_code_still_moves_a_position(people, surabaya):
    with surabaya:
        position = Position.objects.get(code="ANALIS")
    data = {
        "code": "ANALIS",
        "name": position.name,
        "jenis": position.jenis,
        "jenjang": position.jenjang,
        "kelas_jabatan": position.kelas_jabatan,
        "unit": "BKPSDMD.1",
    }

    response = people["admin"].post(f"/org/position/{position.pk}/edit/", data)

    assert response.status_code == 302
    with surabaya:
        assert Position.objects.get(code="ANALIS").unit.code == "BKPSDMD.1"


def test_an_unknown_code_is_refused_and_kept_visible_in_the_picker(people, surabaya):
    response = people["admin"].post(
        "/org/employee/new/",
        {
            "nip": "199202022019032007",
            "name": "Nur Aini",
            "status": "PNS",
            "golongan": "III/b",
            "position": "ANALIS",
            "unit": "NOPE",
            "is_active": "on",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert select(page, "unit")[2] == [("NOPE", True, "NOPE")]
    assert select(page, "position")[2] == [("ANALIS", True, "Analis SDM Aparatur (ANALIS)")]
    assert "NOPE" in str(response.context["form"].errors["unit"])
    with surabaya:
        assert not Employee.objects.filter(nip="199202022019032007").exists()


def test_record_forms_put_labels_beside_their_fields(people):
    page = people["admin"].get("/org/employee/new/").content.decode()

    assert re.search(r'<label class="col-sm-3 col-form-label[^"]*" for="id_unit">', page)
    assert re.search(r'<label class="col-sm-3 col-form-label[^"]*" for="id_position">', page)


# --- One scope for every list -------------------------------------------------------------

VACANT = {"VAKAN.BKD": "BKPSDMD.1", "VAKAN.DINKES": "DINKES"}


@pytest.fixture
def every_position_has_norms(org):
    """Norma waktu on every position (the ABK lists only those), and a vacant post with
    norms in BKPSDMD and in Dinkes."""
    with org:
        for code, unit in VACANT.items():
            Position.objects.create(
                code=code,
                name=f"Jabatan kosong {code}",
                jenis="PELAKSANA",
                kelas_jabatan=6,
                unit=Unit.objects.get(code=unit),
            )
        ActivityNorm.objects.bulk_create(
            ActivityNorm(
                position=position,
                name="Tugas",
                output_unit="Dokumen",
                minutes_per_unit=60,
                yearly_volume=100,
            )
            for position in Position.objects.all()
        )
    return org


@pytest.mark.usefixtures("every_position_has_norms")
@pytest.mark.parametrize(
    ("persona", "vacant"),
    [
        ("admin", set(VACANT)),
        ("mayor", set(VACANT)),
        ("sekda", set(VACANT)),
        ("head", {"VAKAN.BKD"}),
        ("head_dinkes", {"VAKAN.DINKES"}),
        ("kabid", set()),
        ("kasub", set()),
        ("employee", set()),
    ],
)
def test_the_workload_and_position_lists_agree_with_the_employee_list(people, persona, vacant):
    client = people[persona]
    seen = listed(client.get("/org/employees/"))

    workload = {row.code for row in client.get("/org/workload/").context["rows"]}
    positions = codes(client.get("/org/positions/"))
    units = codes(client.get("/org/units/"))

    held = {employee.position.code for employee in seen}
    assert workload == positions == held | vacant
    if not vacant:  # an atasan or an employee: the units of the people they see
        assert units == {employee.unit.code for employee in seen}


@pytest.mark.usefixtures("every_position_has_norms")
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("employee", {"ANALIS"}),
        ("kasub", {"KASUB", "ANALIS"}),
        ("kabid", {"KABID", "KASUB"}),
        ("head", {"KABAN", "KABID", "KASUB", "ANALIS", "VAKAN.BKD"}),
        ("head_dinkes", {"KADINKES", "PENGADMIN", "VAKAN.DINKES"}),
        ("admin", ALL_POSITIONS | set(VACANT)),
    ],
)
def test_the_workload_page_shows_each_persona_its_positions(people, persona, expected):
    response = people[persona].get("/org/workload/")

    assert {row.code for row in response.context["rows"]} == expected
    for other in ALL_POSITIONS - expected:
        assert f'<span class="text-secondary small">{other}</span>' not in (
            response.content.decode()
        )


@pytest.mark.parametrize("persona", ["admin", "mayor", "head", "kabid", "employee"])
@pytest.mark.parametrize(
    "url", ["/org/employees/", "/org/units/", "/org/positions/", "/org/workload/"]
)
def test_each_list_says_which_rule_decides_what_the_user_sees(people, surabaya, persona, url):
    user = user_of(surabaya, persona)
    with surabaya, translation.override("id"):
        rule = scope_description(user)

    page = people[persona].get(url).content.decode()

    assert rule
    assert f'<p class="text-secondary small mb-2">{rule}</p>' in page


def test_the_rules_read_differently_for_each_kind_of_user(org):
    with org, translation.override("id"):
        rules = {
            persona: scope_description(user_of(org, persona))
            for persona in ("admin", "head", "kabid", "employee")
        }

    assert len(set(rules.values())) == 4
    assert "Badan Kepegawaian dan Pengembangan SDM Daerah" in rules["head"]


# --- An org change on the change history page ----------------------------------------------


def test_the_change_history_names_an_employees_fields_in_indonesian(people):
    people["admin"].post(
        "/org/employee/new/",
        {
            "nip": "199202022019032007",
            "name": "Nur Aini",
            "status": "PNS",
            "golongan": "III/b",
            "position": "ANALIS",
            "unit": "BKPSDMD.1.1",
            "is_active": "on",
        },
    )

    page = people["admin"].get("/audit/").content.decode()
    labels = set(re.findall(r'<span class="text-secondary">([^<]+):</span>', page))

    assert "Nama" in labels and "Jabatan" in labels
    assert not labels & {"nip", "name", "unit", "position", "is_active", "phone", "golongan"}
    assert "True" not in page

import datetime

import pytest

from core.org.nip import NIPError, nip_is_valid, nip_parse

TODAY = datetime.date(2026, 11, 23)


def test_the_domain_example_parses_into_its_parts():
    nip = nip_parse("196608011988031001", today=TODAY)
    assert nip.birth_date == datetime.date(1966, 8, 1)
    assert (nip.appointment_year, nip.appointment_month) == (1988, 3)
    assert nip.sex == "L"
    assert nip.sequence == 1


def test_spaces_as_printed_on_documents_are_ignored_and_female_digit_reads_p():
    nip = nip_parse("19880917 201203 2 004", today=TODAY)
    assert nip.value == "198809172012032004"
    assert nip.sex == "P"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "18 digits"),
        ("19660801198803100", "18 digits"),  # 17 digits
        ("1966080119880310011", "18 digits"),  # 19 digits
        ("19660801198803100A", "18 digits"),
        ("196602301988031001", "not a real date"),  # 30 February
        ("196613011988031001", "not a real date"),  # month 13
        ("196608321988031001", "not a real date"),  # day 32
        ("203001011988031001", "future"),  # born in 2030
        ("196608011988131001", "not a month"),  # appointment month 13
        ("196608011988221001", "not a month"),  # 22: neither a month nor the PPPK code
        ("196608011988001001", "not a month"),  # appointment month 00
        ("199001012027011001", "future"),  # appointed in 2027
        ("200001012010011001", "turned 18"),  # appointed at 10
        ("196608011988033001", "sex digit"),
        ("196608011988030001", "sex digit"),
        ("196608011988031000", "000"),
    ],
)
def test_impossible_nips_are_rejected_with_a_reason(raw, reason, english):
    with pytest.raises(NIPError, match=reason):
        nip_parse(raw, today=TODAY)


def test_a_pppk_nip_carries_code_21_instead_of_a_month():
    nip = nip_parse("199505052023212006", today=TODAY)
    assert nip.is_pppk
    assert (nip.appointment_year, nip.appointment_month, nip.sex) == (2023, None, "P")
    assert not nip_parse("196608011988031001", today=TODAY).is_pppk


def test_leap_day_birth_is_a_real_date():
    assert nip_parse("199202292015031001", today=TODAY).birth_date == datetime.date(1992, 2, 29)


def test_appointment_in_the_current_month_is_accepted():
    assert nip_parse("199001012026111001", today=TODAY).appointment_month == 11


def test_nip_is_valid_answers_without_raising():
    assert nip_is_valid("196608011988031001")
    assert not nip_is_valid("123")

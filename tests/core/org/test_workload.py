from decimal import Decimal

import pytest

from core.org.workload import required_fte, staffing_gap


def test_required_fte_divides_total_minutes_by_effective_time():
    # 1,500 letters × 30 min + 250 reports × 120 min = 75,000 min = exactly one FTE
    assert required_fte([(1500, 30), (250, 120)]) == Decimal("1.00")


def test_required_fte_rounds_half_up_to_two_places():
    assert required_fte([(1, 375)]) == Decimal("0.01")  # 0.005 → 0.01
    assert required_fte([(1, 374)]) == Decimal("0.00")  # 0.004986… → 0.00
    assert required_fte([(100, 1000)]) == Decimal("1.33")


def test_effective_time_is_a_parameter():
    assert required_fte([(78_000, 1)], effective_minutes=78_000) == Decimal("1.00")  # 1,300 h
    assert required_fte([(78_000, 1)]) == Decimal("1.04")


def test_no_items_need_no_staff():
    assert required_fte([]) == Decimal("0.00")


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        required_fte([(1, 1)], effective_minutes=0)
    with pytest.raises(ValueError):
        required_fte([(-1, 30)])


def test_gap_is_negative_for_a_shortage_and_positive_for_a_surplus():
    assert staffing_gap(Decimal("2.40"), 1) == Decimal("-1.40")
    assert staffing_gap(Decimal("0.50"), 2) == Decimal("1.50")

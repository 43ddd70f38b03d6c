"""A policy setting changes through one service, which records every change in the audit
trail (core/config/services.py); the ABK page's effective working time goes through it."""

import pytest

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.config.models import PolicySetting
from core.config.services import policy_setting_set
from core.org.workload import EFFECTIVE_MINUTES_SETTING

pytestmark = pytest.mark.django_db

NON_ADMINS = ["mayor", "sekda", "head", "kabid", "kasub", "employee", "head_dinkes"]


@pytest.fixture
def admin(org) -> User:
    with org:
        return User.objects.get(username="admin")


def recorded() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("id").values_list(
            "action", "object_type", "object_id", "object_repr", "before", "after", "reason"
        )
    )


def effective_minutes(pemda) -> int:
    with pemda:
        return PolicySetting.objects.get(key=EFFECTIVE_MINUTES_SETTING).value


def test_a_setting_change_records_who_before_after_and_why(org, admin):
    with org:
        setting = policy_setting_set(
            key=EFFECTIVE_MINUTES_SETTING, value=72000, by=admin, reason="Hari kerja 2027"
        )
        assert setting.value == 72000
        assert recorded() == [
            (
                "config.setting",
                "config.policysetting",
                EFFECTIVE_MINUTES_SETTING,
                EFFECTIVE_MINUTES_SETTING,
                {"value": 75000},
                {"value": 72000},
                "Hari kerja 2027",
            )
        ]
        event = AuditEvent.objects.get()
    assert (event.actor_id, event.actor_name) == (admin.pk, admin.display_name)


def test_a_new_setting_records_that_it_had_no_value(org, admin):
    with org:
        policy_setting_set(key="tpp.rounding", value="half_up", by=admin)
        assert PolicySetting.objects.get(key="tpp.rounding").value == "half_up"
        assert recorded() == [
            (
                "config.setting",
                "config.policysetting",
                "tpp.rounding",
                "tpp.rounding",
                {"value": None},
                {"value": "half_up"},
                "",
            )
        ]


def test_setting_the_same_value_twice_records_once(org, admin):
    with org:
        policy_setting_set(key=EFFECTIVE_MINUTES_SETTING, value=72000, by=admin)
        policy_setting_set(key=EFFECTIVE_MINUTES_SETTING, value=72000, by=admin)
        assert [(before, after) for *_, before, after, _reason in recorded()] == [
            ({"value": 75000}, {"value": 72000})
        ]


def test_setting_the_value_a_setting_already_has_records_nothing(org, admin):
    with org:
        policy_setting_set(key=EFFECTIVE_MINUTES_SETTING, value=75000, by=admin)
        assert recorded() == []


def test_a_setting_changed_by_the_system_has_no_actor(org):
    with org:
        policy_setting_set(key=EFFECTIVE_MINUTES_SETTING, value=72000, by=None)
        event = AuditEvent.objects.get()
    assert (event.actor, event.actor_name) == (None, "")


# --- The ABK page's form ------------------------------------------------------------------


def test_the_abk_page_saves_the_effective_minutes_through_the_service(people, org, admin):
    response = people["admin"].post("/org/workload/", {"minutes": 72000})
    assert response.status_code == 302
    assert response["Location"] == "/org/workload/"
    assert effective_minutes(org) == 72000
    with org:
        assert recorded() == [
            (
                "config.setting",
                "config.policysetting",
                EFFECTIVE_MINUTES_SETTING,
                EFFECTIVE_MINUTES_SETTING,
                {"value": 75000},
                {"value": 72000},
                "",
            )
        ]
        assert AuditEvent.objects.get().actor_id == admin.pk
    assert people["admin"].post("/org/workload/", {"minutes": 72000}).status_code == 302
    with org:
        assert AuditEvent.objects.count() == 1  # saved again unchanged: nothing new


@pytest.mark.parametrize("minutes", ["0", "200001", "banyak", ""])
def test_a_bad_value_on_the_abk_page_is_a_400_and_records_nothing(people, org, minutes):
    response = people["admin"].post("/org/workload/", {"minutes": minutes})
    assert response.status_code == 400
    assert "minutes" in response.context["form"].errors
    assert effective_minutes(org) == 75000
    with org:
        assert recorded() == []


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_only_the_admin_may_change_the_effective_minutes(people, org, persona):
    assert people[persona].post("/org/workload/", {"minutes": 1}).status_code == 403
    assert effective_minutes(org) == 75000
    with org:
        assert recorded() == []


def test_an_anonymous_post_is_sent_to_the_login_and_records_nothing(people, org):
    response = people["anonymous"].post("/org/workload/", {"minutes": 1})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert effective_minutes(org) == 75000
    with org:
        assert recorded() == []

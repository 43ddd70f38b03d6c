"""What the SKP planning tests share: the personas' records, an SKP of this year and the
cascade of RHK from the head of BKPSDMD down to the analysts (tests/personas.py). No tests
here; the other test_skp*/test_assign modules import these."""

from __future__ import annotations

from core.accounts.models import User
from core.org.models import Employee
from core.performance import services
from core.performance.models import Evaluation, Skp
from core.performance.rules import EvaluationState
from core.performance.selectors import year_current
from tests.personas import ANALIS, KABAN, KABID, KASUB, LOGINS

YEAR = year_current()


def employee(nip: str) -> Employee:
    return Employee.objects.select_related(
        "position", "unit", "derived_atasan", "atasan_override"
    ).get(nip=nip)


def user_of(persona: str) -> User:
    login = LOGINS[persona]
    return User.objects.get(nip=login) if login.isdigit() else User.objects.get(username=login)


def skp_of(nip: str, year: int = YEAR) -> Skp:
    return services.skp_get_or_create(employee=employee(nip), year=year)


def iki(**changes) -> dict:
    return {
        "text": "Jumlah dokumen analisis jabatan",
        "aspect": "kuantitas",
        "approach": "kuantitatif",
        "target_value": "12",
        "target_unit": "Dokumen",
        "target_text": "",
        **changes,
    }


def cascade(year: int = YEAR) -> dict:
    """One RHK each down the chain Kaban → Kabid → Kasubbid → analis, each supporting the
    one above, made by each owner. {persona: Rhk}"""
    made = {}
    parent = None
    for persona, nip, text in (
        ("head", KABAN, "Meningkatnya kualitas manajemen ASN"),
        ("kabid", KABID, "Terselenggaranya pengembangan kompetensi ASN"),
        ("kasub", KASUB, "Terlaksananya diklat teknis"),
        ("employee", ANALIS, "Tersusunnya kurikulum diklat teknis"),
    ):
        skp = skp_of(nip, year)
        made[persona] = services.rhk_create(
            skp=skp,
            by=user_of(persona),
            kind="utama",
            text=text,
            parent=parent,
            perspektif="penerima_layanan" if skp.is_jpt else "",
            iki=[iki()],
        )
        parent = made[persona]
    return made


def rated(skp: Skp, period: str | None = None, state=EvaluationState.EVALUATED) -> Evaluation:
    """An evaluation of ``skp`` already rated (written directly, as P2's service would)."""
    return Evaluation.objects.create(skp=skp, period=period or str(skp.year), state=state)

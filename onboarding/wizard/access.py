"""Who may see and change a sign-up: the browser session that started it, or one that opened
its resume link (a signed token sent by e-mail). Nobody else, not even knowing its id."""

from __future__ import annotations

from django.core import signing

SESSION_KEY = "onboarding_signups"
SESSION_MAX = 20  # sign-ups one browser keeps open at most (the oldest are forgotten)
RESUME_SALT = "onboarding.wizard.resume"
RESUME_MAX_AGE = 30 * 24 * 3600
VERIFY_SALT = "onboarding.wizard.verify"
VERIFY_MAX_AGE = 24 * 3600


def session_grant(request, public_id) -> None:
    held = [value for value in request.session.get(SESSION_KEY, []) if value != str(public_id)]
    request.session[SESSION_KEY] = (held + [str(public_id)])[-SESSION_MAX:]


def session_holds(request, public_id) -> bool:
    return str(public_id) in request.session.get(SESSION_KEY, [])


def resume_token(public_id, email: str) -> str:
    """The resume link's token, bound to the admin address it is mailed to: once the address
    is corrected, a link sent to the mistyped one opens nothing."""
    return signing.dumps({"s": str(public_id), "e": email.lower()}, salt=RESUME_SALT, compress=True)


def resume_token_read(token: str) -> tuple[str, str] | None:
    """(sign-up id, address) a resume token names, or None if forged or too old."""
    try:
        value = signing.loads(token, salt=RESUME_SALT, max_age=RESUME_MAX_AGE)
        return str(value["s"]), str(value["e"])
    except (signing.BadSignature, KeyError, TypeError):
        return None


def verify_token(public_id, email: str) -> str:
    return signing.dumps({"s": str(public_id), "e": email}, salt=VERIFY_SALT, compress=True)


def verify_token_read(token: str) -> tuple[str, str] | None:
    """(sign-up id, address) of an e-mail verification link, or None if forged or too old."""
    try:
        value = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
        return str(value["s"]), str(value["e"])
    except (signing.BadSignature, KeyError, TypeError):
        return None

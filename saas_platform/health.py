"""``GET /healthz`` on any host: database and broker status, and the schema in use.

Served by the host-routing middleware (``tenants.middleware.PemdaMiddleware``) ahead of
host validation, so that load balancers can probe by IP address; no URL conf lists it.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


def database_check() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("health: database down: %s", exc)
        return False, type(exc).__name__
    return True, "ok"


def broker_check() -> tuple[bool, str]:
    from saas_platform.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            broker_round_trip(conn)
    except Exception as exc:
        logger.warning("health: broker down: %s", exc)
        return False, type(exc).__name__
    return True, "ok"


def broker_round_trip(conn) -> None:
    """Ask the broker something, so that "ok" means it answered.

    Connecting proves nothing with kombu's SQLAlchemy transport (the default: the broker is
    the database): it connects lazily, so ``ensure_connection`` succeeded with the database
    stopped. There, run a query through the transport's own engine. Redis and RabbitMQ
    already talk to the server to connect.
    """
    session = getattr(conn.default_channel, "session", None)  # the SQLAlchemy transport
    if session is None:
        return
    from sqlalchemy import text

    try:
        session.execute(text("SELECT 1")).scalar_one()
    finally:
        session.close()  # give its connection back to the transport's pool


@never_cache
@require_safe  # GET or HEAD: load balancers probe with either
def healthz(request):
    db_ok, db_detail = database_check()
    broker_ok, broker_detail = broker_check()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "down",
            "database": db_detail,
            "broker": broker_detail,
            "schema": connection.schema_name,
        },
        status=200 if healthy else 503,
    )

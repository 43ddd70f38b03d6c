"""The Celery broker when it is the database itself (kombu's SQLAlchemy transport).

Without ``CELERY_BROKER_URL`` the settings point Celery at the project's database, so the
embedded default needs no other server; the tests point a real worker at the test database
the same way.
"""

from urllib.parse import quote, urlencode


def database_broker_url(db: dict) -> str:
    """The SQLAlchemy broker URL of a Django database settings dict (``DATABASES[...]``).

    A host that starts with ``/`` is a Unix socket directory (the embedded server); user and
    password are quoted, so characters such as ``@`` or ``/`` in a password cannot break the URL.
    """
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user or password else ""
    host = db.get("HOST") or ""
    name = quote(db["NAME"], safe="")
    if host.startswith("/"):
        query = urlencode({"host": host, "port": db.get("PORT") or 5432})
        location = f"{credentials}/{name}?{query}"
    else:
        port = f":{db['PORT']}" if db.get("PORT") else ""
        location = f"{credentials}{host}{port}/{name}"
    return f"sqla+postgresql+psycopg2://{location}"


def is_database_broker(url: str) -> bool:
    return url.startswith(("sqla+", "sqlalchemy+"))


def broker_messages_prune(*, older_than_days: int = 2) -> int:
    """Delete the messages the database broker delivered more than ``older_than_days`` ago.

    kombu's SQLAlchemy transport keeps every delivered message (``visible = false``) for
    ever: the table would only grow (the beat schedule alone sends some 1,500 a day). Only
    when the broker is this project's own database; returns how many were deleted.
    """
    from django.conf import settings
    from django.db import connection

    if settings.CELERY_BROKER_URL != database_broker_url(connection.settings_dict):
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.kombu_message')")
        if cursor.fetchone()[0] is None:
            return 0
        # kombu writes the delivery time as the worker's local time, without a zone.
        cursor.execute(
            "DELETE FROM public.kombu_message WHERE visible = false "
            "AND timestamp < localtimestamp - make_interval(days => %s)",
            [older_than_days],
        )
        return cursor.rowcount

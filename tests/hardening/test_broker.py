"""The database broker (kombu's SQLAlchemy transport) keeps every delivered message; an
hourly task deletes those delivered days ago, so its table does not grow for ever."""

import pytest
from django.db import connection
from django.test import override_settings
from kombu import Connection
from kombu.transport.sqlalchemy import Channel

from saas_platform.broker import broker_messages_prune, database_broker_url

pytestmark = pytest.mark.django_db


def test_delivered_messages_days_old_are_deleted_and_nothing_else():
    url = database_broker_url(connection.settings_dict)
    with Connection(url) as broker:
        channel = broker.default_channel
        queue = channel._get_or_create("uji-prune").id  # the tables are made too
        channel.session.close()
    for engine, _session in Channel._engines.values():  # kombu keeps them per process
        engine.dispose()
    Channel._engines.clear()
    with connection.cursor() as cursor:
        for payload, visible, age in (
            ("old-delivered", False, "3 days"),
            ("new-delivered", False, "1 hour"),
            ("old-waiting", True, "3 days"),
        ):
            cursor.execute(
                "INSERT INTO kombu_message (id, visible, timestamp, payload, version, queue_id) "
                "VALUES (nextval('message_id_sequence'), %s, localtimestamp - %s::interval, "
                "%s, 1, %s)",
                [visible, age, payload, queue],
            )
    assert broker_messages_prune() == 0  # the tests' broker is in memory: not this table
    with override_settings(CELERY_BROKER_URL=url):
        assert broker_messages_prune() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM kombu_message WHERE queue_id = %s", [queue])
        assert sorted(row[0] for row in cursor.fetchall()) == ["new-delivered", "old-waiting"]

"""The database settings every deployment shares (issue 17: a signed-in page's fixed cost)."""

import pytest
from django.db import connection
from django.db.models.functions import Now

from haven.config.postgresql.base import MAX_SERVER_BOUND_VALUES
from haven.config.settings.base import PREPARE_THRESHOLD, database_from_url
from haven.vault.models import PendingFileDeletion


def test_gunicorn_workers_keep_their_connection_on_sqlite_and_postgresql():
    """
    Each request once opened its own SQLite connection (pragmas and Django's functions), a cost
    the sign-in page never paid; both databases now keep one per worker between requests.
    """
    sqlite = database_from_url(None)
    postgresql = database_from_url("postgresql://haven@127.0.0.1:5432/haven")
    assert sqlite["CONN_MAX_AGE"] == postgresql["CONN_MAX_AGE"] > 0
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    # A connection kept after the database went away is noticed at the next request.
    assert postgresql["CONN_HEALTH_CHECKS"] is True


def test_postgresql_binds_on_the_server_and_prepares_recurring_statements():
    """
    Prepared statements spare PostgreSQL planning what it has already planned (issue 17); Django
    binds on the client, which never prepares, unless told otherwise.
    """
    options = database_from_url("postgresql://haven@127.0.0.1:5432/haven")["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == PREPARE_THRESHOLD >= 1


def test_the_database_url_may_turn_server_side_binding_off():
    """Behind a pooler that cannot follow prepared statements (pgbouncer before 1.21)."""
    url = "postgresql://haven@127.0.0.1:5432/haven?server_side_binding=false&prepare_threshold=5"
    options = database_from_url(url)["OPTIONS"]
    assert options["server_side_binding"] is False
    assert options["prepare_threshold"] == 5
    assert "server_side_binding" not in database_from_url(None)["OPTIONS"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's protocol limit")
def test_bulk_writes_beyond_the_servers_limit_on_a_statements_values_are_split():
    """
    Values bound on the server count in 16 bits; Django 5.2 splits a bulk insert by that limit on
    Oracle and SQLite only, so Haven's backend does it on PostgreSQL (``haven.config.postgresql``).
    A value the database computes (here ``Now()``; in bench/cases.py the cases' own columns) makes
    Django write one ``VALUES`` row per object, four bound values each here, rather than ``UNNEST``
    one array per column.
    """
    rows = [
        PendingFileDeletion(storage_name=f"attachments/{index}", created_at=Now())
        for index in range(17_000)
    ]
    assert len(rows) * 4 > MAX_SERVER_BOUND_VALUES

    PendingFileDeletion.objects.bulk_create(rows)

    assert PendingFileDeletion.objects.count() == len(rows)

"""The database settings every deployment shares (issue 17: a signed-in page's fixed cost)."""

from haven.config.settings.base import database_from_url


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

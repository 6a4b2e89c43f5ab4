"""Django's PostgreSQL backend within the server's limit on a statement's values (``base``)."""

"""Structured JSON logging: one object per line, UTC timestamps, no request bodies (AUD-05)."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """
    Format a record as one JSON line.

    Only the message the code wrote and a few fixed attributes are emitted: never ``request``,
    ``args`` objects or exception locals, which could carry a defender's details into a log file.
    Newlines in messages are escaped by ``json.dumps``, so a crafted username cannot forge a line.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=True)

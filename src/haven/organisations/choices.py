"""
Reading Haven's vocabularies (``TextChoices``) back from stored values.

Many records keep a vocabulary's value in an encrypted column (a decision, an outcome, a status),
where the database cannot check it; a value Haven no longer knows must read as nothing, never
fail the page that shows it.
"""

from django.db import models


def choice_label(choices: type[models.TextChoices], value: object) -> str:
    """The label of a stored value (decrypted), or nothing for a value Haven no longer knows."""
    if not isinstance(value, str) or value not in choices.values:
        return ""
    return str(choices(value).label)

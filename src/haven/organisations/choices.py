"""
Haven's vocabularies as model choices, and reading them back from stored values.

Many records keep a vocabulary's value in an encrypted column (a decision, an outcome, a status),
where the database cannot check it; a value Haven no longer knows must read as nothing, never
fail the page that shows it.

A vocabulary the engines define (a ``StrEnum`` of ``haven.domain``) is not written again as a
``TextChoices``: ``LabelledVocabulary`` gives the domain enum the words people read, so the
enum stays the one list of values and a member added there without words fails at import.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from django.db import models
from django.utils.functional import Promise

E = TypeVar("E", bound=StrEnum)


def choice_label(choices: type[models.TextChoices], value: object) -> str:
    """The label of a stored value (decrypted), or nothing for a value Haven no longer knows."""
    if not isinstance(value, str) or value not in choices.values:
        return ""
    return str(choices(value).label)


class LabelledVocabulary(Generic[E]):
    """A domain vocabulary with the label of each member, as Django choices in the enum's order."""

    def __init__(self, vocabulary: type[E], labels: Mapping[E, str | Promise]) -> None:
        unlabelled = [member.value for member in vocabulary if member not in labels]
        if unlabelled or len(labels) != len(vocabulary):
            raise ValueError(f"{vocabulary.__name__}: labels must name each member once")
        self.vocabulary = vocabulary
        self.labels = dict(labels)
        self.choices: list[tuple[str, str | Promise]] = [
            (member.value, labels[member]) for member in vocabulary
        ]
        self.values: list[str] = [member.value for member in vocabulary]

    def label(self, value: object) -> str:
        """The label of a stored value, or nothing for a value Haven no longer knows."""
        if not isinstance(value, str) or value not in self.values:
            return ""
        return str(self.labels[self.vocabulary(value)])

"""Engine reasons in the reader's language: see ``haven.cases.engine_messages``."""

from haven.cases.engine_messages import translate

__all__ = ["translate"]

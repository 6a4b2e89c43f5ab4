"""
Usernames that cannot impersonate one another (issue 11, item 10).

``coordinator`` spelt with two Cyrillic o's (U+043E) looks exactly like the Latin one in a
member list, an audit screen or a security notice. A username may therefore use letters of one script only, plus
the script-neutral digits and ``. @ + - _``; the combinations a single writing system needs
(Japanese mixes Han, Hiragana and Katakana; Korean Han and Hangul) count as one script, following
the "highly restrictive" level of Unicode TS #39. The script data comes from
``confusable_homoglyphs``, a maintained copy of the Unicode tables.
"""

from confusable_homoglyphs import categories
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIXED_SCRIPTS = _(
    "Use letters from one alphabet only: this name mixes alphabets, so it could imitate "
    "another member's name."
)

_NEUTRAL = {"COMMON", "INHERITED"}
_ONE_WRITING_SYSTEM = (
    {"HAN", "HIRAGANA", "KATAKANA"},
    {"HAN", "HANGUL"},
    {"HAN", "BOPOMOFO"},
)


def scripts_of(name: str) -> set[str]:
    """Return the Unicode scripts of the letters in ``name``, without the neutral ones."""
    return {categories.alias(character) for character in name} - _NEUTRAL


def is_single_script(name: str) -> bool:
    """True when ``name`` could not mix look-alike letters of two alphabets."""
    scripts = scripts_of(name)
    return len(scripts) <= 1 or any(scripts <= system for system in _ONE_WRITING_SYSTEM)


def validate_single_script(name: str) -> None:
    """Django validator: refuse a username that mixes scripts."""
    if not is_single_script(name):
        raise ValidationError(MIXED_SCRIPTS, code="mixed_scripts")

"""
Digits as people type them: Arabic-Indic (٠١٢), Persian (۰۱۲) and every other Unicode decimal
digit read as the ASCII digit of the same value.

Haven accepts numbers typed in any script (searches, dates, phone numbers, counts) and stores
identifiers with ASCII digits; what a person reads is written in their language's digits by
``haven.domain.numerals`` (docs/developing.md, "Numbers").
"""

import unicodedata


class _DigitTable(dict[int, int | None]):
    """``str.translate`` table: each decimal digit (category Nd) to its ASCII digit, built lazily."""

    def __missing__(self, codepoint: int) -> int | None:
        if codepoint < 128:
            raise LookupError(codepoint)
        value = unicodedata.decimal(chr(codepoint), None)
        if value is None:
            raise LookupError(codepoint)
        self[codepoint] = mapped = ord("0") + value
        return mapped


_TO_ASCII = _DigitTable()


def ascii_digits(value: str) -> str:
    """Return ``value`` with every decimal digit of any script replaced by its ASCII digit."""
    if value.isascii():
        return value
    return value.translate(_TO_ASCII)

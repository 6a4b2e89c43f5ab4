# ruff: noqa: RUF002 (the digits of each numbering system are the point of this module)
"""
Numbers as a reader's language writes them: the digits of its CLDR default numbering system
(Arabic-Indic ٠-٩ in Arabic, Extended Arabic-Indic ۰-۹ in Persian, 0-9 in English, Spanish, French
and Russian) and that system's decimal, grouping, percent and minus signs.

CLDR's knowledge (which numbering system a locale uses, and its symbols) comes from Babel, which
is maintained against each CLDR release; Haven keeps only the ten digits of the systems its
languages use, which Babel does not carry, and refuses a system it has no digits for
(``tests/web/test_reading.py`` checks every language Haven speaks). A reader who prefers Western
digits reads the same locale in CLDR's ``latn`` system, with that system's symbols.

Only what a person reads goes through here: identifiers copied between systems (case codes,
phone and document numbers, codes, form values, URLs) keep ASCII digits (docs/developing.md,
"Numbers").
"""

import decimal
import functools
from dataclasses import dataclass

from babel import Locale
from babel.numbers import format_decimal, format_percent

WESTERN = "latn"

#: The ten digits of each numbering system a language of Haven's uses by default.
DIGITS: dict[str, str] = {
    WESTERN: "0123456789",
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
}


class UnknownNumberingSystemError(LookupError):
    """A locale's numbering system whose digits Haven does not know (add them to ``DIGITS``)."""


@dataclass(frozen=True)
class Numerals:
    """How one locale writes numbers in one numbering system."""

    locale: str
    system: str

    @functools.cached_property
    def _ascii_to_system(self) -> dict[int, str]:
        return {
            ord(ascii): digit
            for ascii, digit in zip(DIGITS[WESTERN], DIGITS[self.system], strict=True)
        }

    @functools.cached_property
    def _symbols(self) -> dict[str, str]:
        """CLDR's signs for this locale in this system (Babel formats only decimal and group)."""
        return dict(Locale.parse(self.locale).number_symbols[self.system])

    def digits(self, text: str) -> str:
        """``text`` with its ASCII digits written in this system (other characters untouched)."""
        if self.system == WESTERN:
            return text
        return text.translate(self._ascii_to_system)

    def number(
        self,
        value: int | float | decimal.Decimal,
        places: int | None = None,
        *,
        grouped: bool = True,
    ) -> str:
        """A count or a measure, grouped unless told; with exactly ``places`` decimals when given."""
        pattern = None if places is None else "#,##0" + ("." + "0" * places if places > 0 else "")
        text = format_decimal(
            value,
            format=pattern,
            locale=self.locale,
            decimal_quantization=places is not None,
            group_separator=grouped,
            numbering_system=self.system,
        )
        return self._signed(text)

    def percent(self, value: int | float | decimal.Decimal, places: int = 0) -> str:
        """``value`` (0.25 for a quarter) as a percentage in this locale's pattern and sign."""
        pattern = None
        if places > 0:
            standard = Locale.parse(self.locale).percent_formats[None].pattern
            last_zero = standard.rindex("0")
            pattern = standard[: last_zero + 1] + "." + "0" * places + standard[last_zero + 1 :]
        text = format_percent(
            value, format=pattern, locale=self.locale, numbering_system=self.system
        )
        return self._signed(text).replace("%", self._symbols["percentSign"])

    def separators(self) -> tuple[str, str]:
        """The decimal and grouping signs of this locale in this system."""
        return self._symbols["decimal"], self._symbols["group"]

    def _signed(self, text: str) -> str:
        if text.startswith("-"):
            text = self._symbols["minusSign"] + text[1:]
        return self.digits(text)


@functools.cache
def numerals_for(locale: str, *, western: bool = False) -> Numerals:
    """How ``locale`` (a CLDR locale such as ``ar_EG`` or ``fa``) writes numbers by default.

    ``western``: the reader prefers 0-9 whatever the locale's default system.
    """
    cldr = Locale.parse(locale.replace("-", "_"))
    system = WESTERN if western else cldr.default_numbering_system
    if system not in DIGITS:
        raise UnknownNumberingSystemError(f"{locale}: {system}")
    return Numerals(str(cldr), system)

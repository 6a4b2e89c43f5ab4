"""
Clearly fictional defenders for the demo and the tests.

``generate_cases(count, seed=...)`` returns a ``haven.case-import/1`` document and, beside it,
the lifecycle status each case should be shown in. Nothing here is a real person: names are
invented and marked "(fictional)", contact details come from reserved ranges.
"""

from haven.fictional.cases import DEFAULT_ASSESSED_ON, FictionalCases, generate_cases

__all__ = ["DEFAULT_ASSESSED_ON", "FictionalCases", "generate_cases"]

"""
The version of the decision logic, stamped on every assessment as ``engine_version``.

``ENGINE_VERSION`` is declared by hand; ``RULES_DIGEST`` is the SHA-256 of the source of every
module in ``RULE_MODULES`` (LF line endings, in that order). ``tests/domain/test_version.py``
recomputes the digest and fails when it differs, naming the new digest: whoever changes a rule
must bump ``ENGINE_VERSION`` and record the new digest in the same commit. The digest is part of
the published version too, so two assessments with the same ``engine_version`` were produced by
the same rules even if someone forgot the bump.

This module itself is not hashed, so recording the digest does not change it.
"""

RULE_MODULES = (
    "facts",
    "hrd",
    "risk",
    "protection",
    "pathways",
    "eligibility",
    "assessment",
)

ENGINE_VERSION = "1.0.0"
RULES_DIGEST = "1b61dea77d7c55c91a7b6f65f1661df9bc2c6e5d051967a91e05318cb02c4e3d"


def engine_version() -> str:
    """The version string stored beside every assessment: declared version plus digest prefix."""
    return f"{ENGINE_VERSION}+rules.{RULES_DIGEST[:12]}"

"""
The version of the decision logic, stamped on every assessment as ``engine_version``.

``ENGINE_VERSION`` is declared by hand; ``RULES_DIGEST`` is the SHA-256 of the source of every
module in ``RULE_MODULES`` (LF line endings, in that order; a package's modules are named by
their path). ``tests/domain/test_version.py``
recomputes the digest and fails when it differs, naming the new digest: whoever changes a rule
must bump ``ENGINE_VERSION`` and record the new digest in the same commit. The digest is part of
the published version too, so two assessments with the same ``engine_version`` were produced by
the same rules even if someone forgot the bump.

This module itself is not hashed, so recording the digest does not change it.
"""

RULE_MODULES = (
    "vocabulary",
    "messages",
    "facts",
    "hrd",
    "risk/weights",
    "risk/factors",
    "risk/scoring",
    "risk/__init__",
    "protection/common",
    "protection/absolute",
    "protection/fear",
    "protection/grounds",
    "protection/refuge",
    "protection/exclusion",
    "protection/complementary",
    "protection/__init__",
    "pathways/common",
    "pathways/regimes",
    "pathways/tension",
    "pathways/relocation",
    "pathways/protection",
    "pathways/ranking",
    "pathways/__init__",
    "eligibility",
    "assessment",
)

ENGINE_VERSION = "1.1.1"
RULES_DIGEST = "a62267ae98dbbd08bc7c6aef14dc85d318eff8934ba09f7d5a4f39f3ce86b14b"


def engine_version() -> str:
    """The version string stored beside every assessment: declared version plus digest prefix."""
    return f"{ENGINE_VERSION}+rules.{RULES_DIGEST[:12]}"

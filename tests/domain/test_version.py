"""The engine version is tied to the source of every rule module."""

import hashlib
from importlib import resources

from haven.domain import version


def rules_digest() -> str:
    digest = hashlib.sha256()
    for module in version.RULE_MODULES:
        source = resources.files("haven.domain").joinpath(f"{module}.py").read_bytes()
        digest.update(source.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def test_rules_digest_is_recorded():
    """Changing any rule without bumping ENGINE_VERSION and recording the new digest fails here."""
    current = rules_digest()

    assert current == version.RULES_DIGEST, (
        f"The decision rules changed. Bump ENGINE_VERSION in haven/domain/version.py and set RULES_DIGEST = {current!r}."
    )


def test_published_version_carries_the_digest():
    """The published engine_version names both the declared version and the rules digest."""
    assert f"{version.ENGINE_VERSION}+rules.{version.RULES_DIGEST[:12]}" == version.engine_version()

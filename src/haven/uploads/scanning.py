"""
The hook for a local malware scanner (UPL-02).

Haven does not ship signatures. A deployment that runs ClamAV passes a scanner to ``sanitise``;
the scanner must be local (the ``clamd`` Unix socket), never a cloud service, because the file is
evidence about a person at risk. Without a scanner, content such as the EICAR test string in a
``.txt`` file is accepted: it is valid text and harmless to Haven, and only a scanner can tell it
from any other text.
"""

from typing import Protocol


class MalwareScanner(Protocol):
    """Anything that can look at bytes and name the threat it found, or ``None`` when clean."""

    def scan(self, data: bytes) -> str | None:
        """Return the scanner's name for what it found in ``data``, or ``None`` if nothing."""
        ...

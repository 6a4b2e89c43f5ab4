"""
Reading a backup's snapshot as a stream: gzip inflated and JSON parsed a bounded piece at a time.

``haven restore`` must not hold a whole backup (with every evidence file in it) in memory, and the
standard library's ``json`` reads only whole documents. This reader walks the one shape a backup
writes (``haven.vault.backup``), handing over one row or one file's base64 pieces at a time, and
refuses anything else as damaged.
"""

import base64
import codecs
import json
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

# gzip framing for zlib (a backup is a gzip stream).
GZIP_WBITS = 31

# How much decompressed text the reader asks zlib for at a time.
TEXT_PIECE_BYTES = 256 * 1024
# The longest single value (a row) the reader will gather; a backup's rows are far smaller, so a
# damaged file cannot make the reader pull the rest of the stream into memory looking for an end.
MAX_VALUE_CHARS = 64 * 1024 * 1024
_WHITESPACE = " \t\n\r"
_BASE64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


class BadDocumentError(Exception):
    """The snapshot's JSON is not what a backup writes (turned into NOT_A_BACKUP)."""


def decompressed_texts(chunks: Iterable[bytes]) -> Iterator[str]:
    """Decompress the gzipped snapshot and decode it, a bounded piece at a time."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in chunks:
        pending = chunk
        while pending:
            text = inflater.decompress(pending, TEXT_PIECE_BYTES)
            pending = inflater.unconsumed_tail
            if text:
                yield decoder.decode(text)
            if inflater.eof:
                if pending or inflater.unused_data:
                    raise BadDocumentError
                break
    if not inflater.eof:
        raise BadDocumentError
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


class JsonReader:
    """
    A pull parser over the snapshot's JSON text, holding one value (a row) at a time.

    The structure (the document, ``tables``, each table's ``rows``, ``files``) is walked token by
    token; each row is decoded whole with the standard decoder, and a file's base64 string is
    handed out in pieces, so neither the tables nor the files are ever held in memory whole.
    """

    _decoder = json.JSONDecoder()

    def __init__(self, texts: Iterator[str]) -> None:
        self.decompressed_texts = texts
        self._buffer = ""
        self._at = 0
        self._ended = False

    def _fill(self) -> bool:
        """Append the next piece of text; False once the text has ended."""
        for text in self.decompressed_texts:
            if text:
                self._buffer = self._buffer[self._at :] + text
                self._at = 0
                return True
        self._ended = True
        return False

    def peek(self) -> str:
        """Return the next character that is not whitespace ("" at the end), without taking it."""
        while True:
            while self._at < len(self._buffer) and self._buffer[self._at] in _WHITESPACE:
                self._at += 1
            if self._at < len(self._buffer):
                return self._buffer[self._at]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise BadDocumentError
        self._at += 1

    def more(self, closing: str) -> bool:
        """After an element: True when a comma follows, False at ``closing`` (taken)."""
        char = self.peek()
        self._at += 1
        if char == ",":
            return True
        if char == closing:
            return False
        raise BadDocumentError

    def first(self, closing: str) -> bool:
        """At the start of a container's contents: False (and take it) when it is empty."""
        if self.peek() == closing:
            self._at += 1
            return False
        return True

    def value(self) -> Any:
        """Decode the next whole JSON value."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._at)
            except json.JSONDecodeError:
                value, end = None, -1
            # A value running to the end of the buffer may go on (a number cut in two): read on.
            if end != -1 and (end < len(self._buffer) or self._ended):
                self._at = end
                return value
            wanted = 2 * (len(self._buffer) - self._at) + 1
            if wanted > MAX_VALUE_CHARS:
                raise BadDocumentError
            grew = False
            while len(self._buffer) - self._at < wanted and self._fill():
                grew = True
            if not grew:
                if end != -1:
                    self._at = end
                    return value
                raise BadDocumentError

    def key(self) -> str:
        name = self.value()
        if not isinstance(name, str):
            raise BadDocumentError
        self.expect(":")
        return name

    def skip(self) -> None:
        """Pass over the next value; a long string (a file) is read in pieces, not kept."""
        if self.peek() == '"':
            for _piece in self.string_pieces():
                pass
        elif self.peek() == "[":
            self._at += 1
            if self.first("]"):
                self.skip()
                while self.more("]"):
                    self.skip()
        else:
            self.value()

    def string_pieces(self) -> Iterator[str]:
        """Yield a base64 string's characters in pieces (a backslash or other escape is refused)."""
        self.expect('"')
        while True:
            end = self._buffer.find('"', self._at)
            piece = self._buffer[self._at : len(self._buffer) if end == -1 else end]
            if not _BASE64_ALPHABET.issuperset(piece):
                raise BadDocumentError
            if piece:
                yield piece
            if end != -1:
                self._at = end + 1
                return
            self._at = len(self._buffer)
            if not self._fill():
                raise BadDocumentError

    def end(self) -> None:
        if self.peek() != "":
            raise BadDocumentError


def base64_pieces(texts: Iterator[str]) -> Iterator[bytes]:
    """Decode base64 arriving in pieces of any length."""
    carry = ""
    for text in texts:
        carry += text
        usable = len(carry) - len(carry) % 4
        if usable:
            yield base64.b64decode(carry[:usable], validate=True)
            carry = carry[usable:]
    if carry:
        raise BadDocumentError

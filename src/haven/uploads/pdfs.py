"""
Cleaning of uploaded PDFs: refuse active content, remove metadata (UPL-02, UPL-04).

A PDF can carry JavaScript, embedded files, launch actions that start programs, forms that
submit or import data, and rich media; a viewer may run them when a caseworker opens the
evidence. Such PDFs are refused rather than edited, because removing an action can leave a
document that means something other than what the defender sent.

Metadata is removed: the document information dictionary (``/Info``: author, creator, producer,
dates), every XMP ``/Metadata`` stream (document, page and image level) and ``/PieceInfo``
(private application data). The file identifier is regenerated from the content, so the stored
copy cannot be matched to the original by its ``/ID``. Only objects reachable from the trailer
are written, so orphaned objects (earlier revisions kept by incremental saves) are gone too.

Actions that reach outside the document are removed rather than refused, because ordinary
documents carry hyperlinks: every ``/OpenAction`` and every additional-actions dictionary
(``/AA``: on open, close, page view, field focus...) is deleted, and a link's ``/A`` whose action
is ``/URI``, ``/GoToR`` or ``/Thread`` (which can name a network share) is deleted too, leaving
the link inert. Opening such a file could otherwise fetch a URL or a remote file and reveal the
caseworker's address to whoever sent it. After stripping, the document is walked again and refused
should any such action still be reachable (one hidden somewhere a viewer might still follow).

``pikepdf`` (QPDF) does this without rendering pages. It does not remove metadata inside images
embedded in the pages or text written on them; ``mat2`` in a sandboxed worker would go further,
at the cost of system dependencies and page re-rendering.
"""

import io
from collections.abc import Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, Stream

from haven.uploads.rejections import RejectionCode, UploadRejected

_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia"})
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE"}
)
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/FileAttachment", "/3D", "/Sound"})
_METADATA_KEYS = ("/Metadata", "/PieceInfo")
# Triggers that run an action without the reader choosing it; always deleted.
_AUTOMATIC_ACTION_KEYS = ("/OpenAction", "/AA")
# Actions that contact another host or open another file; deleted from links and outlines.
_OUTWARD_ACTIONS = frozenset({"/URI", "/GoToR", "/Thread"})
# A long scanned book has tens of thousands of objects; walking 450,000 took seconds (issue 11).
_MAX_OBJECTS_WALKED = 100_000


def _dictionary_of(obj: Object) -> Dictionary | Stream | None:
    if isinstance(obj, Dictionary | Stream):
        return obj
    return None


def _containers(values: Iterable[object]) -> list[Object]:
    """Return the values that can hold further objects; pikepdf turns scalars into Python values."""
    return [value for value in values if isinstance(value, Dictionary | Stream | Array)]


def _walk(pdf: pikepdf.Pdf) -> list[Dictionary | Stream]:
    """Return every dictionary and stream reachable from the trailer, each once."""
    found: list[Dictionary | Stream] = []
    seen: set[tuple[int, int]] = set()
    stack: list[Object] = [pdf.trailer]
    walked = 0
    while stack:
        walked += 1
        if walked > _MAX_OBJECTS_WALKED:
            raise UploadRejected(RejectionCode.UNREADABLE, detail="too many PDF objects")
        obj = stack.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        dictionary = _dictionary_of(obj)
        if dictionary is not None:
            found.append(dictionary)
            stack.extend(_containers(dictionary.values()))
        elif isinstance(obj, Array):
            stack.extend(_containers(obj))
    return found


def _active_content(dictionary: Dictionary | Stream) -> str | None:
    for key in dictionary.keys():  # noqa: SIM118 (pikepdf dictionaries iterate differently)
        if key in _ACTIVE_KEYS:
            return key
    action = dictionary.get("/S")
    if isinstance(action, Name) and str(action) in _ACTIVE_ACTIONS:
        return str(action)
    for type_key in ("/Type", "/Subtype"):
        value = dictionary.get(type_key)
        if isinstance(value, Name) and str(value) in _ACTIVE_TYPES:
            return str(value)
    return None


def _outward_action(value: object) -> bool:
    if not isinstance(value, Dictionary):
        return False
    action = value.get("/S")
    return isinstance(action, Name) and str(action) in _OUTWARD_ACTIONS


def _strip_actions(dictionaries: list[Dictionary | Stream]) -> list[str]:
    """Delete automatic actions and outward links in place; return what kinds were removed."""
    removed: set[str] = set()
    for dictionary in dictionaries:
        for key in _AUTOMATIC_ACTION_KEYS:
            if key in dictionary:
                del dictionary[key]
                removed.add("PDF automatic actions")
        if _outward_action(dictionary.get("/A")):
            del dictionary["/A"]
            removed.add("PDF links to other hosts or files")
    return sorted(removed)


def _refuse_remaining_actions(pdf: pikepdf.Pdf) -> None:
    for dictionary in _walk(pdf):
        if any(key in dictionary for key in _AUTOMATIC_ACTION_KEYS) or _outward_action(dictionary):
            raise UploadRejected(RejectionCode.PDF_ACTIVE_CONTENT, detail="outward action")


def clean_pdf(data: bytes) -> tuple[bytes, list[str]]:
    """
    Return the PDF without its metadata, and the names of what was removed.

    Raises ``UploadRejected`` for password-protected, unreadable or active-content PDFs; the
    detail names the PDF key that triggered the refusal.
    """
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as locked:
        raise UploadRejected(RejectionCode.PDF_ENCRYPTED) from locked
    except (pikepdf.PdfError, ValueError, RecursionError) as broken:
        raise UploadRejected(RejectionCode.UNREADABLE, detail="PDF structure") from broken
    with pdf:
        if pdf.is_encrypted:
            raise UploadRejected(RejectionCode.PDF_ENCRYPTED)
        removed: list[str] = []
        try:
            dictionaries = _walk(pdf)
            for dictionary in dictionaries:
                trigger = _active_content(dictionary)
                if trigger is not None:
                    raise UploadRejected(RejectionCode.PDF_ACTIVE_CONTENT, detail=trigger)
            removed.extend(_strip_actions(dictionaries))
            info = pdf.trailer.get("/Info")
            if isinstance(info, Dictionary):
                removed.extend(f"PDF {key}" for key in sorted(info.keys()))
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            xmp_streams = 0
            for dictionary in dictionaries:
                for key in _METADATA_KEYS:
                    if key in dictionary:
                        xmp_streams += key == "/Metadata"
                        del dictionary[key]
            if xmp_streams:
                removed.append("XMP metadata")
            _refuse_remaining_actions(pdf)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        except pikepdf.PdfError as broken:
            raise UploadRejected(RejectionCode.UNREADABLE, detail="PDF objects") from broken
    return out.getvalue(), removed

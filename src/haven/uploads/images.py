"""
Re-encoding of uploaded images, which removes their metadata and anything hidden in them (UPL-03, UPL-04).

The stored image is built from decoded pixels alone, in a fresh Pillow image whose ``info`` is
empty, so no EXIF (camera make and model, GPS position, capture time), XMP, ICC profile, comment
or PNG text chunk can ride along, nor any bytes appended after the image (the JPEG/HTML polyglot).
Orientation from EXIF is applied to the pixels first, so the picture still stands the right way
up once the EXIF tag that said how to turn it is gone. A colour profile is converted to sRGB
before it is dropped, so colours survive.

The pixel limit is checked from the header, before any pixel is decoded: a PNG of a few
kilobytes can declare 20000 x 20000 pixels and would need over a gigabyte to decode.
Animated images keep their first frame only.
"""

import io

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from haven.uploads.content_types import ContentKind
from haven.uploads.rejections import RejectionCode, UploadRejected

_PIL_FORMATS = {ContentKind.JPEG: "JPEG", ContentKind.PNG: "PNG", ContentKind.WEBP: "WEBP"}

# EXIF tags that identify a person, a device or a place, reported by name when removed.
_EXIF_GPS_IFD = 0x8825
_EXIF_MAKE = 0x010F
_EXIF_MODEL = 0x0110
_EXIF_DATETIME = 0x0132
_EXIF_ARTIST = 0x013B
_EXIF_SERIAL = 0xA431

# Keys Pillow puts in ``info`` that describe pixels, not people; everything else is metadata.
_TECHNICAL_INFO_KEYS = frozenset(
    {
        "dpi",
        "gamma",
        "transparency",
        "aspect",
        "interlace",
        "progressive",
        "progression",
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "adobe",
        "adobe_transform",
        "loop",
        "duration",
        "background",
        "srgb",
        "chromaticity",
        "bbox",
        "default_image",
        "mp",
        "mpoffset",
        "use_alpha",
        "lossless",
        "exif",
        "icc_profile",
        "xmp",
        "XML:com.adobe.xmp",
        "comment",
        "photoshop",
    }
)


def describe_metadata(image: Image.Image) -> list[str]:
    """Return plain names for the metadata an image carries, as the upload record lists them."""
    found: list[str] = []
    exif = image.getexif()
    if exif:
        found.append("EXIF")
        if _EXIF_GPS_IFD in exif:
            found.append("GPS location")
        if _EXIF_MAKE in exif or _EXIF_MODEL in exif or _EXIF_SERIAL in exif:
            found.append("camera make, model or serial number")
        if _EXIF_DATETIME in exif:
            found.append("capture date and time")
        if _EXIF_ARTIST in exif:
            found.append("author")
    info = image.info
    if info.get("xmp") or info.get("XML:com.adobe.xmp"):
        found.append("XMP")
    if info.get("icc_profile"):
        found.append("ICC colour profile")
    if info.get("comment"):
        found.append("comment")
    if info.get("photoshop"):
        found.append("Photoshop resources")
    text_keys = sorted(key for key in info if key not in _TECHNICAL_INFO_KEYS)
    if text_keys:
        found.append("text chunks: " + ", ".join(str(key) for key in text_keys))
    return found


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped rather than trusted; colours may shift slightly.
        return image
    return converted if converted is not None else image


def _output_mode(kind: ContentKind, image: Image.Image) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if kind is ContentKind.JPEG:
        return "L" if image.mode in ("L", "1") else "RGB"
    if kind is ContentKind.PNG and image.mode in ("1", "L", "LA", "RGB", "RGBA"):
        return image.mode
    return "RGBA" if has_alpha else "RGB"


def reencode_image(data: bytes, kind: ContentKind, *, max_pixels: int) -> tuple[bytes, list[str]]:
    """
    Return the image re-encoded from its pixels, and the names of the metadata it dropped.

    Raises ``UploadRejected`` when the header declares more than ``max_pixels`` pixels (checked
    before decoding) or the image cannot be decoded.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise UploadRejected(RejectionCode.TOO_MANY_PIXELS, detail="decompression bomb") from bomb
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as broken:
        raise UploadRejected(RejectionCode.UNREADABLE, detail="image header") from broken
    with image:
        width, height = image.size
        if width * height > max_pixels:
            raise UploadRejected(RejectionCode.TOO_MANY_PIXELS, detail=f"{width}x{height}")
        try:
            image.load()
            removed = describe_metadata(image)
            upright = ImageOps.exif_transpose(image)
            colour_managed = _to_srgb(upright)
            pixels = colour_managed.convert(_output_mode(kind, colour_managed))
        except (OSError, SyntaxError, ValueError, EOFError) as broken:
            raise UploadRejected(RejectionCode.UNREADABLE, detail="image data") from broken
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind is ContentKind.JPEG:
        clean.save(out, format="JPEG", quality=90, optimize=True)
    elif kind is ContentKind.PNG:
        clean.save(out, format="PNG")
    else:
        clean.save(out, format="WEBP", quality=90)
    return out.getvalue(), removed

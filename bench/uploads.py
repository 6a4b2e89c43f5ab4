"""
Cost of cleaning an uploaded photo, against a bare Pillow decode and re-encode in the same run.

Builds a fictional 12-megapixel JPEG with GPS EXIF in memory, then times (a) Pillow opening it
and saving it again as JPEG, the least any re-encoding must pay, and (b) ``sanitise``: the size
and type checks, the pixel-limit check, orientation, colour handling, the copy into a fresh image
and the re-encode. The ratio says what the safety steps add to a plain re-encode.
"""

import io
import time

from PIL import Image

from haven.uploads import sanitise

ROUNDS = 5
WIDTH, HEIGHT = 4000, 3000


def fictional_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Fictional Optics"
    exif[0x8825] = {1: "N", 2: (0.0, 30.0, 0.0), 3: "W", 4: (25.0, 0.0, 0.0)}
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
    out = io.BytesIO()
    gradient.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


def seconds_per_file(step, data: bytes) -> float:
    step(data)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        step(data)
    return (time.perf_counter() - started) / ROUNDS


def main() -> None:
    photo = fictional_photo()

    def bare_reencode(data: bytes) -> None:
        with Image.open(io.BytesIO(data)) as image:
            image.save(io.BytesIO(), format="JPEG", quality=90, optimize=True)

    def cleaned(data: bytes) -> None:
        sanitise(data, "photo.jpg", max_bytes=50 * 1024 * 1024, max_pixels=50_000_000)

    baseline = seconds_per_file(bare_reencode, photo)
    sanitising = seconds_per_file(cleaned, photo)
    print(f"photo: {WIDTH}x{HEIGHT} JPEG, {len(photo):,} bytes, {ROUNDS} rounds")
    print(f"bare Pillow re-encode: {baseline * 1000:,.0f} ms/file")
    print(f"sanitise: {sanitising * 1000:,.0f} ms/file")
    print(f"ratio: sanitise costs {sanitising / baseline:.2f}x a bare re-encode")


if __name__ == "__main__":
    main()

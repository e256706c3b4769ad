"""The one pixel limit for every uploaded image: need and answer attachments and the
organisation logo (PRODUCT.md 3.2, R2).

A compressed PNG of a few hundred kilobytes can describe billions of pixels; decoding it
later (a thumbnail, a PDF) would take gigabytes of memory. 40 megapixels is more than a
modern phone photo (12 to 24 MP) or an A4 page scanned at 600 dpi (about 35 MP), so real
photos and scans pass and only bombs are refused. Pillow's own guard (a warning above
89 MP, an exception above 179 MP) is never reached: the size is read from the header and
checked here first.
"""

from __future__ import annotations

import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

IMAGE_MAX_PIXELS = 40_000_000

TOO_MANY_PIXELS = _(
    "“%(name)s” has more than 40 megapixels. Please scale the image down "
    "(for example to 8000 by 5000 pixels) and upload it again."
)


def check_image_pixels(upload) -> None:
    """Refuse an image whose header announces more than IMAGE_MAX_PIXELS pixels.

    Only the header is read. A file Pillow cannot open passes through: whether it is a
    readable image is the caller's check, with its own message.
    """
    name = getattr(upload, "name", "") or ""
    too_large = ValidationError(TOO_MANY_PIXELS, code="image_too_large", params={"name": name})
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        raise too_large from exc
    except Exception:  # not readable: the caller says so
        return
    finally:
        upload.seek(0)
    if width * height > IMAGE_MAX_PIXELS:
        raise too_large

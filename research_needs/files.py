"""Attachment checks by content, not by file name (PRODUCT.md 3.2, R2), and storing them.

A PDF must start with ``%PDF-``; a PNG or JPEG must carry its signature, stay within the
pixel limit of ``forum.images`` and open and verify in Pillow. The type stored and served is the one found here, never the one the browser sent.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from forum.images import check_image_pixels

from .models import ATTACHMENT_MAX_BYTES, Attachment

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG"}


def _head(upload, length: int = 1024) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def sniff_content_type(upload) -> str:
    """The attachment's real type, or a ValidationError saying why it is refused."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most 10 MB."),
            code="file_too_large",
            params={"name": getattr(upload, "name", ""), "size": filesizeformat(size)},
        )
    if size == 0:
        raise ValidationError(
            _("“%(name)s” is empty."),
            code="file_empty",
            params={"name": getattr(upload, "name", "")},
        )
    head = _head(upload)
    content_type = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG or JPEG file. Only these formats are accepted."),
            code="file_type",
            params={"name": getattr(upload, "name", "")},
        )
    if content_type in PILLOW_FORMATS:
        check_image_pixels(upload)
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != PILLOW_FORMATS[content_type]:
                    raise ValueError(image.format)
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise ValidationError(
                _("“%(name)s” looks like an image but cannot be read; it may be damaged."),
                code="file_damaged",
                params={"name": getattr(upload, "name", "")},
            ) from exc
        finally:
            upload.seek(0)
    elif b"%%EOF" not in _tail(upload):
        raise ValidationError(
            _("“%(name)s” is not a complete PDF file; it may be damaged."),
            code="file_damaged",
            params={"name": getattr(upload, "name", "")},
        )
    return content_type


def _tail(upload, length: int = 2048) -> bytes:
    upload.seek(0, 2)
    end = upload.tell()
    upload.seek(max(0, end - length))
    tail = upload.read()
    upload.seek(0)
    return tail


def store_attachment(upload, **fields) -> Attachment:
    """A new attachment (``fields``: its need or answer, uploaded_by) of the type found in
    the upload (sniff_content_type, its refusal as the "file" field's error), under the
    uploader's cleaned file name, the file stored under a server-generated name."""
    try:
        content_type = sniff_content_type(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    attachment = Attachment(
        original_name=clean_original_name(getattr(upload, "name", "")),
        content_type=content_type,
        size=upload.size,
        **fields,
    )
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
    except Exception:
        # The row did not make it: the stored file must not linger on disk.
        attachment.file.delete(save=False)
        raise
    return attachment


def clean_original_name(name: str) -> str:
    """The uploader's file name for display and the download, without any path."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(char for char in name if char.isprintable() and char not in '"<>')
    return (name or "file")[:200]


@contextmanager
def atomic_with_files():
    """``transaction.atomic()`` that also takes back the files stored in it: the database has
    no hook for a rollback, so the block adds each stored file as ``(storage, name)`` to the
    list it is given, and on any error those files are deleted before the error goes on."""
    stored: list = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise

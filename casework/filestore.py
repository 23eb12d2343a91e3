"""The content-addressed file store: bytes kept under their SHA-256, never overwritten.

A file lives at ``CASEWORK_EVIDENCE_DIR/<sha[:2]>/<sha[2:4]>/<sha>`` — the layout
evidence files already use (``inspections.evidence``), so one store holds
evidence, documents, proofs of service and signatures alike, and evidence can
move onto these functions without moving a file. A file is written to a
temporary name in the same tree and renamed into place (a reader never sees
half a file); content already stored is not written again, and stored files are
read-only. A file written by a transaction that then rolls back stays behind,
referenced by nothing: harmless, since a name is its content.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from casework.exceptions import Invalid

FILE_MODE = 0o440  # stored files are never written again
SNIFF_BYTES = 8192

# The extension a download is named with, by the type read from the content.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/webp": ".webp",
}
SCAN_TYPES = frozenset(EXTENSIONS)  # what a signed paper's scan or photo may be
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


def files_dir() -> Path:
    return Path(settings.CASEWORK_EVIDENCE_DIR)


def file_path(sha256: str) -> Path:
    """Where the content with this SHA-256 is stored."""
    return files_dir() / sha256[:2] / sha256[2:4] / sha256


def _place(temporary: str, sha256: str) -> None:
    final = file_path(sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        os.unlink(temporary)  # the same content is already stored: never overwritten
    else:
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, final)


def _sniff(head: bytes) -> str:
    kind = filetype.guess(head)
    return kind.mime if kind is not None else "application/octet-stream"


def file_store_bytes(data: bytes) -> StoredFile:
    """Store ``data`` by its content (a rendered document, a signed PDF)."""
    sha256 = hashlib.sha256(data).hexdigest()
    stored = StoredFile(sha256=sha256, size=len(data), content_type=_sniff(data[:SNIFF_BYTES]))
    if file_path(sha256).exists():
        return stored
    directory = files_dir()
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".store-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _place(temporary, sha256)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return stored


def upload_check(uploaded: UploadedFile, *, field: str, accepted: frozenset[str]) -> str:
    """Refuse an upload that is empty, too large or of a type not ``accepted``; return its type.

    Reads only the head of the file; raises Invalid naming ``field``.
    """
    limit = settings.CASEWORK_EVIDENCE_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise Invalid(
            {field: [str(_("The file is larger than %(n)d bytes, the limit.") % {"n": limit})]}
        )
    if not uploaded.size:
        raise Invalid({field: [str(_("The file is empty."))]})
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    detected = _sniff(head)
    if detected not in accepted:
        names = ", ".join(sorted(EXTENSIONS.get(t, t).lstrip(".").upper() for t in accepted))
        raise Invalid(
            {
                field: [
                    str(
                        _("Files of type %(type)s are not accepted here: send %(accepted)s.")
                        % {"type": detected, "accepted": names}
                    )
                ]
            }
        )
    return detected


def file_store_upload(
    uploaded: UploadedFile, *, field: str, accepted: frozenset[str]
) -> StoredFile:
    """Check an upload (``upload_check``) and store it by its content, streamed."""
    content_type = upload_check(uploaded, field=field, accepted=accepted)
    directory = files_dir()
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in uploaded.chunks():
                size += len(chunk)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        _place(temporary, sha256)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return StoredFile(sha256=sha256, size=size, content_type=content_type)


def file_read(sha256: str) -> bytes:
    """The stored bytes, checked against their hash (a changed file is an error, not data)."""
    data = file_path(sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise OSError(f"stored file {sha256} does not match its hash")
    return data


def download_name(stem: str, content_type: str, sha256: str) -> str:
    """The name a download is saved under: ``stem`` with the stored type's extension.

    Characters a file system refuses are replaced; an empty stem becomes the hash's start.
    """
    cleaned = "".join("_" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in stem).strip(" .")
    return (cleaned or sha256[:16]) + EXTENSIONS.get(content_type, "")

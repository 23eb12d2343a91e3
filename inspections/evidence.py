"""Evidence files on disk: streamed, hashed, sniffed, stored by content, never deleted.

A file lives at ``CASEWORK_EVIDENCE_DIR/<sha[:2]>/<sha[2:4]>/<sha>``. It is
written to a temporary file in the same directory tree and renamed into place,
so a reader never sees half a file; identical content is stored once and any
number of Evidence rows may point at it. The type is read from the content
(the client's name and declared type are not trusted), and photos keep their
EXIF, GPS included.
"""

import datetime
import hashlib
import math
import os
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image

from casework.exceptions import Invalid

# What an officer records on site: photos, scans, sound and video from a phone,
# each with the extension a download is named with (never the uploader's).
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-wav": ".wav",
    "audio/amr": ".amr",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
}
ACCEPTED_TYPES = frozenset(EXTENSIONS)
# Pillow reads EXIF from these (HEIC would need a plug-in; it is stored without metadata).
EXIF_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
SNIFF_BYTES = 8192  # what filetype inspects
FILE_MODE = 0o440  # stored files are never written again
MAX_BYTES_KEPT = 64  # longer binary EXIF values (maker notes, thumbnails) are not kept

_IFD_POINTERS = {int(ExifTags.IFD.Exif), int(ExifTags.IFD.GPSInfo), int(ExifTags.IFD.Interop)}
_TAG_MAKE, _TAG_MODEL, _TAG_DATETIME = 0x010F, 0x0110, 0x0132
_TAG_DATETIME_ORIGINAL, _TAG_DATETIME_DIGITIZED = 0x9003, 0x9004


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    metadata: dict[str, Any] = field(default_factory=dict)


def evidence_dir() -> Path:
    return Path(settings.CASEWORK_EVIDENCE_DIR)


def evidence_path(sha256: str) -> Path:
    """Where the content with this SHA-256 is stored."""
    return evidence_dir() / sha256[:2] / sha256[2:4] / sha256


def original_name(uploaded_file: UploadedFile) -> str:
    """The client's file name without any directory part, for display and download only."""
    name = os.path.basename((uploaded_file.name or "").replace("\\", "/")).strip()
    return name.replace("\x00", "")[:255]


def _too_large() -> Invalid:
    limit = settings.CASEWORK_EVIDENCE_MAX_BYTES
    return Invalid(
        {"file": [str(_("The file is larger than %(n)d bytes, the limit.") % {"n": limit})]}
    )


def evidence_file_store(uploaded_file: UploadedFile) -> StoredFile:
    """Store an upload by its content; refuse it (storing nothing) if too large or of a wrong type.

    Raises Invalid naming ``file``.
    """
    limit = settings.CASEWORK_EVIDENCE_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _too_large()
    directory = evidence_dir()
    directory.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in uploaded_file.chunks():
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise Invalid({"file": [str(_("The file is empty."))]})
        kind = filetype.guess(head)
        detected = kind.mime if kind is not None else str(_("unknown"))
        if detected not in ACCEPTED_TYPES:
            raise Invalid(
                {
                    "file": [
                        str(
                            _(
                                "Files of type %(type)s are not accepted as evidence: send a "
                                "photo (JPEG, PNG, HEIC, WebP), a PDF, audio (MP3, M4A, WAV, "
                                "AMR) or video (MP4, MOV, 3GP)."
                            )
                            % {"type": detected}
                        )
                    ]
                }
            )
        metadata = image_metadata(Path(temporary)) if detected in EXIF_TYPES else {}
        sha256 = digest.hexdigest()
        final = evidence_path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(temporary)  # the same content is already stored
        else:
            os.chmod(temporary, FILE_MODE)
            os.replace(temporary, final)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return StoredFile(sha256=sha256, size=size, content_type=detected, metadata=metadata)


def download_name(original_name: str, content_type: str, sha256: str) -> str:
    """The name a download is saved under: the uploader's stem, the stored type's extension.

    ``report.html`` stored as a JPEG downloads as ``report.jpg``: a browser or a
    desktop must never open evidence by a type other than the one detected.
    """
    stem = Path(original_name.replace("\\", "/")).name if original_name else ""
    stem = stem.rsplit(".", 1)[0].strip(" .") if "." in stem else stem.strip(" .")
    return (stem or sha256[:16]) + EXTENSIONS.get(content_type, "")


# --- EXIF ---------------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    # PostgreSQL's jsonb refuses NUL characters, which EXIF strings often end with.
    return value.replace("\x00", "").strip()


def _json_value(value: Any) -> Any:
    """Make an EXIF value storable as JSON; None for what cannot be kept (or is absent)."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float | Fraction) or hasattr(value, "denominator"):
        try:
            number = float(value)
        except (ZeroDivisionError, ValueError, TypeError):
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, bytes):
        return value.hex() if len(value) <= MAX_BYTES_KEPT else None
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    return _clean_text(str(value))


def _tags(items, names: dict[int, str]) -> dict[str, Any]:
    kept = {}
    for tag, value in items:
        if tag in _IFD_POINTERS:
            continue
        converted = _json_value(value)
        if converted is not None:
            kept[names.get(tag, str(tag))] = converted
    return kept


def _degrees(value: Any, reference: Any) -> float | None:
    """Degrees, minutes, seconds and N/S/E/W as signed decimal degrees."""
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(decimal):
        return None
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    if _clean_text(str(reference or "")).upper() in {"S", "W"}:
        decimal = -decimal
    return round(decimal, 7)


def _exif_datetime(value: Any) -> str | None:
    """EXIF's ``2026:05:01 10:20:30`` (local time, no zone) as ISO 8601."""
    if not isinstance(value, str):
        return None
    try:
        taken = datetime.datetime.strptime(_clean_text(value), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return taken.isoformat()


def _gps(gps_ifd: dict) -> dict[str, Any] | None:
    if not gps_ifd:
        return None
    gps: dict[str, Any] = {
        "latitude": _degrees(gps_ifd.get(2), gps_ifd.get(1)),
        "longitude": _degrees(gps_ifd.get(4), gps_ifd.get(3)),
    }
    if gps["latitude"] is not None and abs(gps["latitude"]) > 90:
        gps["latitude"] = None
    if gps["longitude"] is not None and abs(gps["longitude"]) > 180:
        gps["longitude"] = None
    altitude = _json_value(gps_ifd.get(6))
    if isinstance(altitude, float):
        below_sea = gps_ifd.get(5) in (1, b"\x01")
        gps["altitude"] = -altitude if below_sea else altitude
    gps["raw"] = _tags(gps_ifd.items(), ExifTags.GPSTAGS)
    return gps


def image_metadata(path: Path) -> dict[str, Any]:
    """Read size, camera, date taken, GPS and the other EXIF tags of a photo.

    A photo Pillow cannot read is still evidence: the reason is kept instead.
    """
    try:
        with Image.open(path) as image:
            width, height = image.size
            exif = image.getexif()
            exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
            gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception as exc:  # any parser error of an untrusted file
        return {"exif_error": _clean_text(str(exc))[:200]}
    metadata: dict[str, Any] = {"width": width, "height": height}
    make, model = _json_value(exif.get(_TAG_MAKE)), _json_value(exif.get(_TAG_MODEL))
    if make:
        metadata["camera_make"] = make
    if model:
        metadata["camera_model"] = model
    taken = (
        _exif_datetime(exif_ifd.get(_TAG_DATETIME_ORIGINAL))
        or _exif_datetime(exif_ifd.get(_TAG_DATETIME_DIGITIZED))
        or _exif_datetime(exif.get(_TAG_DATETIME))
    )
    if taken:
        metadata["taken_at"] = taken
    gps = _gps(gps_ifd)
    if gps:
        metadata["gps"] = gps
    tags = _tags(exif.items(), ExifTags.TAGS) | _tags(exif_ifd.items(), ExifTags.TAGS)
    if tags:
        metadata["exif"] = tags
    return metadata

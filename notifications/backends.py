"""Outbound channels for the embedded default: the console plus a local folder."""

import datetime
import json
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


def _outbox(kind: str) -> Path:
    folder = Path(settings.CASEWORK_OUTBOX_DIR) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stamp() -> str:
    now = datetime.datetime.now(datetime.UTC)
    return f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


class ConsoleAndFolderEmail(BaseEmailBackend):
    """Write each message to stdout and to ``<outbox>/email/<stamp>.eml``."""

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            raw = message.message().as_bytes()
            (_outbox("email") / f"{_stamp()}.eml").write_bytes(raw)
            sys.stdout.write(raw.decode("utf-8", "replace") + "\n" + "-" * 70 + "\n")
            sent += 1
        return sent


class ConsoleAndFolderSMS:
    """Write each SMS to stdout and to ``<outbox>/sms/<stamp>.json``."""

    def send(self, *, to: str, text: str) -> str:
        message_id = _stamp()
        record = {"id": message_id, "to": to, "text": text}
        (_outbox("sms") / f"{message_id}.json").write_text(
            json.dumps(record, ensure_ascii=False), encoding="utf-8"
        )
        sys.stdout.write(f"SMS to {to}: {text}\n")
        return message_id

"""Read laboratory results from HL7 v2.x ORU^R01 messages (no Django imports).

Uses the maintained ``hl7`` package (python-hl7) for the segment grammar and the escape
sequences. What is read (see docs/drugtests.md):
MSH-9 message type, MSH-10 control id, MSH-4 sending facility; PID-3 identifiers (the MR one,
else the first); OBR-2 placer order number, OBR-3 filler order number, OBR-7 collection time;
SPM-2 specimen id when present; OBX-3 analyte (identifier^text), OBX-5 value, OBX-6 units,
OBX-7 reference range (the cutoff), OBX-8 abnormal flags, OBX-11 result status; NTE-3
comments, attached to the OBX (or OBR) they follow.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import hl7


class HL7Error(ValueError):
    """A message that cannot be read; the text says why, for the reconciliation queue."""


@dataclass
class Observation:
    identifier: str
    text: str
    value: str
    units: str
    reference_range: str
    flags: str
    status: str
    comments: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """negative, positive or invalid, from the flag, then the value, then the cutoff."""
        if self.status.upper() in {"X", "D"}:
            return "invalid"
        flag = self.flags.upper()
        if flag in {"A", "H", "HH", "POS", "DET", "AA"}:
            return "positive"
        if flag in {"N", "NEG", "ND"}:
            return "negative"
        words = self.value.strip().upper()
        if words in {"NEG", "NEGATIVE", "NOT DETECTED", "NONE DETECTED", "ND"}:
            return "negative"
        if words in {"POS", "POSITIVE", "DETECTED", "PRESENT"}:
            return "positive"
        if words.startswith(("INVALID", "QNS", "UNABLE", "NOT PERFORMED")):
            return "invalid"
        value, cutoff = self.numeric_value, self.cutoff
        if value is not None and cutoff is not None:
            return "positive" if value >= cutoff else "negative"
        if words.startswith("<"):
            return "negative"
        return "invalid"

    @property
    def numeric_value(self) -> Decimal | None:
        return _number(self.value)

    @property
    def cutoff(self) -> Decimal | None:
        """The cutoff from a reference range such as ``<300``, ``300``, ``Cutoff: 300`` or
        ``NEG<300``."""
        found = re.findall(r"\d+(?:\.\d+)?", self.reference_range or "")
        return Decimal(found[-1]) if found else None


@dataclass
class ParsedMessage:
    control_id: str
    message_type: str
    sending_facility: str
    mrn: str
    placer_number: str
    filler_number: str
    specimen_id: str
    collected_at: datetime | None
    observations: list[Observation]
    comments: list[str]

    @property
    def accession_candidates(self) -> list[str]:
        return [n for n in (self.placer_number, self.filler_number, self.specimen_id) if n]


def _number(text: str) -> Decimal | None:
    text = (text or "").strip()
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def normalise(raw: str) -> str:
    """One segment per ``\\r``, whatever the line endings; blank lines dropped."""
    lines = re.split(r"\r\n|\n|\r", raw.strip().lstrip("\ufeff"))
    return "\r".join(line for line in (ln.strip("\x0b\x1c") for ln in lines) if line.strip())


def content_hash(raw: str) -> str:
    return hashlib.sha256(normalise(raw).encode("utf-8")).hexdigest()


def split_messages(text: str) -> list[str]:
    """A file may hold several messages (each starting with MSH), with or without batch
    (FHS/BHS/BTS/FTS) wrappers and MLLP framing characters."""
    normal = normalise(text)
    messages, current = [], []
    for segment in normal.split("\r"):
        name = segment[:3]
        if name in {"FHS", "BHS", "BTS", "FTS"}:
            continue
        if name == "MSH" and current:
            messages.append("\r".join(current))
            current = []
        current.append(segment)
    if current:
        messages.append("\r".join(current))
    return messages


def _parse_datetime(text: str) -> datetime | None:
    digits = re.match(r"(\d{8})(\d{2})?(\d{2})?(\d{2})?", text or "")
    if not digits:
        return None
    day, hour, minute, second = digits.groups()
    try:
        return datetime.strptime(
            day + (hour or "00") + (minute or "00") + (second or "00"), "%Y%m%d%H%M%S"
        )
    except ValueError:
        return None


class _Reader:
    def __init__(self, message: hl7.Message):
        self.message = message
        msh_2 = str(message.segment("MSH")[2])
        self.component = msh_2[0] if msh_2 else "^"
        self.repetition = msh_2[1] if len(msh_2) > 1 else "~"

    def raw(self, segment, index: int) -> str:
        return str(segment[index]) if len(segment) > index else ""

    def components(self, segment, index: int, repetition: int = 0) -> list[str]:
        reps = self.raw(segment, index).split(self.repetition)
        text = reps[repetition] if repetition < len(reps) else ""
        return [self.message.unescape(part) for part in text.split(self.component)]

    def first(self, segment, index: int) -> str:
        return self.components(segment, index)[0].strip()

    def text(self, segment, index: int) -> str:
        """A whole field as text (e.g. NTE-3), unescaped."""
        text = self.message.unescape(self.raw(segment, index))
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _mrn(reader: _Reader, pid) -> str:
    raw = reader.raw(pid, 3)
    repetitions = raw.split(reader.repetition) if raw else []
    for index in range(len(repetitions)):
        parts = reader.components(pid, 3, index)
        if len(parts) > 4 and parts[4].upper() == "MR":
            return parts[0].strip()
    return reader.first(pid, 3) if repetitions else ""


def parse_oru(raw: str) -> ParsedMessage:
    """A parsed ORU^R01, or HL7Error saying in words what is wrong with it."""
    text = normalise(raw)
    if not text.startswith("MSH"):
        raise HL7Error("The message does not start with an MSH segment.")
    if len(text) < 8:
        raise HL7Error("The MSH segment is incomplete.")
    try:
        message = hl7.parse(text)
        reader = _Reader(message)
        msh = message.segment("MSH")
    except Exception as error:
        raise HL7Error(f"The message cannot be parsed as HL7 v2: {error}") from None
    message_type = "^".join(reader.components(msh, 9)[:2])
    if message_type != "ORU^R01":
        raise HL7Error(f"Not a laboratory result (ORU^R01): the message type is {message_type!r}.")
    control_id = reader.first(msh, 10)
    if not control_id:
        raise HL7Error("The message has no control id (MSH-10).")
    pid = obr = spm = None
    observations: list[Observation] = []
    comments: list[str] = []
    last: Observation | None = None
    for segment in message:
        name = str(segment[0])
        if name == "PID":
            pid = segment
        elif name == "OBR" and obr is None:
            obr = segment
        elif name == "SPM" and spm is None:
            spm = segment
        elif name == "OBX":
            code = reader.components(segment, 3)
            last = Observation(
                identifier=code[0].strip(),
                text=(code[1] if len(code) > 1 else "").strip(),
                value=reader.text(segment, 5),
                units=reader.first(segment, 6),
                reference_range=reader.text(segment, 7),
                flags=reader.first(segment, 8),
                status=reader.first(segment, 11),
            )
            observations.append(last)
        elif name == "NTE":
            note = reader.text(segment, 3)
            if note:
                (last.comments if last else comments).append(note)
    if pid is None:
        raise HL7Error("The message has no PID segment: the participant cannot be identified.")
    if obr is None:
        raise HL7Error("The message has no OBR segment: the order cannot be identified.")
    if not observations:
        raise HL7Error("The message has no OBX segments: there are no results in it.")
    return ParsedMessage(
        control_id=control_id,
        message_type=message_type,
        sending_facility=reader.first(msh, 4),
        mrn=_mrn(reader, pid),
        placer_number=reader.first(obr, 2),
        filler_number=reader.first(obr, 3),
        specimen_id=reader.first(spm, 2) if spm is not None else "",
        collected_at=_parse_datetime(reader.first(obr, 7)),
        observations=observations,
        comments=comments,
    )

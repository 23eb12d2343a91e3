"""Writes to the registers, and the one validation path they all share.

The API, the admin and the CSV import (``registry.imports``) validate a register
row the same way: ``row_clean`` checks each column on its own (checksums, dates,
booleans, codes), ``rows_resolve`` checks a batch of rows against the database
(references and the caller's jurisdiction, by the rules of ``registry.rules``)
with a few queries per batch, and ``rows_upsert`` writes a batch by natural key.
A row is a mapping of the import columns (docs/import.md) to values; the API takes
the same names.
"""

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from casework.dates import validate_real_date
from casework.exceptions import Forbidden, Invalid
from casework.identifiers import (
    mask_id_number,
    normalise_id_number,
    validate_id_number,
    validate_uscc,
)
from casework.models import Enterprise, User
from registry import events
from registry.labels import FLAG, Vocabulary, choice_listing, choices_vocabulary, flag_listing
from registry.models import (
    Certificate,
    SkillCertificate,
    SpecialOpsCategory,
    Trainer,
    Training,
    Worker,
)
from registry.rules import (
    EnterpriseKnown,
    EnterpriseNotElsewhere,
    JurisdictionKnown,
    NumberOfOnePerson,
    PersonKnown,
    Row,
    Rule,
    Scope,
    WorkerAtEnterprise,
    required_reason,
)

# Staff roles that may write to the registers (a legal reviewer only reads).
WRITER_ROLES = frozenset({User.Role.OFFICER, User.Role.SUPERVISOR, User.Role.ADMIN})

DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What separates the categories of ``special_ops`` (none is in any label).
SPECIAL_OPS_SEPARATORS = re.compile(r"[;；、,，]")

# The one vocabulary of each coded column (``registry.labels``): its codes and labels.
SECTORS = choices_vocabulary("sector", Enterprise.Sector)
SPECIAL_OPS = choices_vocabulary("special_ops", SpecialOpsCategory)
TRAINING_KINDS = choices_vocabulary("kind", Training.Kind)


class Refused(ValueError):
    """A value breaks a rule; the message says which."""


# --- who may write where ---------------------------------------------------------------


def scope_for(actor: User | None) -> Scope:
    """Say where ``actor`` may write; refuse who may not write at all.

    ``None`` is the operator at the command line, who may write everywhere.
    """
    if actor is None:
        return Scope(None)
    if not actor.is_active:
        raise Forbidden()
    if actor.is_superuser:
        return Scope(None)
    if actor.role not in WRITER_ROLES:
        raise Forbidden(_("Only officers, supervisors and administrators may change registers."))
    if actor.jurisdiction_id is None:
        if actor.role == User.Role.ADMIN:
            return Scope(None)
        raise Forbidden()
    return Scope(actor.jurisdiction.path)


# --- one column at a time --------------------------------------------------------------


# A lone UTF-16 surrogate (only JSON can carry one) cannot be stored as UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")


def parse_text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise Refused(_("At most %(n)d characters.") % {"n": max_length})
        if "\x00" in text:
            raise Refused(_("Text may not contain the NUL character."))
        if SURROGATE.search(text):
            raise Refused(_("Text may not contain a lone surrogate character."))
        return text

    parse.max_length = max_length  # a free-text column (the import does not cache it)
    return parse


def _refuse_unless(validate: Callable[[str], None], text: str) -> None:
    try:
        validate(text)
    except ValidationError as exc:
        raise Refused(exc.messages[0]) from None


def parse_id_number(value: Any) -> str:
    """A resident ID number, checked by ``validate_id_number``."""
    text = value.strip().upper() if isinstance(value, str) else normalise_id_number(str(value))
    _refuse_unless(validate_id_number, text)
    return text


@functools.lru_cache(maxsize=4096)
def _uscc_valid(text: str) -> bool:
    try:
        validate_uscc(text)
    except ValidationError:
        return False
    return True


def parse_uscc(value: Any) -> str:
    text = str(value).strip().upper()
    if not _uscc_valid(text):
        _refuse_unless(validate_uscc, text)
    return text


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        day = value
    else:
        text = str(value).strip()
        if not DATE_SHAPE.fullmatch(text):
            raise Refused(_("A date is written YYYY-MM-DD."))
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise Refused(_("%(value)s is not a date that exists.") % {"value": text}) from None
    _refuse_unless(validate_real_date, day)
    return day


def parse_bool(value: Any) -> bool:
    """是/否, true/false, yes/no, y/n, 1/0, √/× (any case, full-width or not)."""
    if isinstance(value, bool):
        return value
    flag = FLAG.value_of(str(value))
    if flag is None:
        raise Refused(
            _("%(value)s is not yes or no; write one of: %(allowed)s.")
            % {"value": str(value).strip(), "allowed": flag_listing()}
        )
    return flag


parse_bool.vocabulary = FLAG


def parse_choice(vocabulary: Vocabulary) -> Callable[[Any], str]:
    """A code of the vocabulary's choices, given as the code or as its label."""

    def parse(value: Any) -> str:
        code = vocabulary.value_of(str(value))
        if code is None:
            raise Refused(
                _("%(value)s is not one of: %(allowed)s.")
                % {"value": str(value).strip(), "allowed": choice_listing(vocabulary)}
            )
        return code

    parse.vocabulary = vocabulary  # a coded column: a label in a key reads as its code
    return parse


def parse_special_ops(value: Any) -> list[str]:
    """Categories (codes or labels) separated by ``;`` (or ；、,，), each from the catalogue."""
    if isinstance(value, list | tuple):
        words = [str(word) for word in value]
    else:
        words = SPECIAL_OPS_SEPARATORS.split(str(value))
    result = []
    for word in (word.strip() for word in words):
        if not word:
            continue
        code = SPECIAL_OPS.value_of(word)
        if code is None:
            raise Refused(
                _("%(value)s is not a special-operations category; use: %(allowed)s.")
                % {"value": word, "allowed": choice_listing(SPECIAL_OPS)}
            )
        if code not in result:
            result.append(code)
    return result


parse_special_ops.vocabulary = SPECIAL_OPS


def parse_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refused(_("Hours are a number such as 8 or 7.5.")) from None
    if not hours.is_finite() or hours < 0 or hours >= 100000:
        raise Refused(_("Hours are a number from 0 to 99999.9."))
    if hours != hours.quantize(Decimal("0.1")):
        raise Refused(_("Hours have at most one decimal place."))
    return hours.quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = ""


# --- the registers ---------------------------------------------------------------------


def no_check(row: "Row") -> None:
    """A register whose rows need no check across columns."""


@dataclass(frozen=True)
class Register:
    """How one kind of register row is validated, referenced and stored."""

    kind: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # Model fields of the natural key; the first two narrow the lookup of existing rows.
    key: tuple[str, ...]
    # The rules against the registers, in order (a rule may rely on those before it).
    rules: tuple[Rule, ...]
    check: Callable[[Row], None] = no_check

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# A column naming another row is stored as that row's id.
COLUMN_FIELDS = {"enterprise_uscc": "enterprise_id", "jurisdiction": "jurisdiction_id"}


def field_for(column: str) -> str:
    return COLUMN_FIELDS.get(column, column)


def row_clean(register: Register, row: Row, data: dict[str, Any], present: Iterable[str]) -> Row:
    """Check each present column of ``data`` on its own; absent columns take their default."""
    present = set(present)
    for column in register.columns:
        raw = data.get(column.name) if column.name in present else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if column.required:
                row.refuse(column.name, required_reason())
            else:
                row.values[column.name] = column.default
            continue
        try:
            row.values[column.name] = column.parse(raw)
        except Refused as exc:
            row.refuse(column.name, str(exc))
    if not row.errors:
        register.check(row)
    return row


def _check_certificate(row: Row) -> None:
    if row.values["valid_until"] < row.values["issued_on"]:
        row.refuse("valid_until", _("A certificate cannot expire before it is issued."))


def _check_training(row: Row) -> None:
    if row.values["kind"] == Training.Kind.JOB_SAFETY and not row.values["job"]:
        row.refuse("job", _("A job safety training names the job."))


def _text(model: type[models.Model], name: str) -> Callable[[Any], str]:
    return parse_text(model._meta.get_field(name).max_length)


REGISTERS: dict[str, Register] = {
    "enterprises": Register(
        kind="enterprises",
        model=Enterprise,
        columns=(
            Column("uscc", parse_uscc, required=True),
            Column("name", _text(Enterprise, "name"), required=True),
            Column("sector", parse_choice(SECTORS), required=True),
            Column("jurisdiction", parse_text(12), required=True),
            Column("address", _text(Enterprise, "address")),
            Column("legal_representative", _text(Enterprise, "legal_representative")),
            Column("contact_phone", _text(Enterprise, "contact_phone")),
        ),
        key=("uscc",),
        rules=(JurisdictionKnown(), EnterpriseNotElsewhere()),
    ),
    "workers": Register(
        kind="workers",
        model=Worker,
        columns=(
            Column("enterprise_uscc", parse_uscc, required=True),
            Column("id_number", parse_id_number, required=True),
            Column("name", _text(Worker, "name"), required=True),
            Column("job", _text(Worker, "job"), required=True),
            Column("is_team_leader", parse_bool, default=False),
            Column("special_ops", parse_special_ops, default=[]),
            Column("hired_on", parse_date, default=None),
        ),
        key=("enterprise_id", "id_number"),
        rules=(EnterpriseKnown(),),
    ),
    "certificates": Register(
        kind="certificates",
        model=Certificate,
        columns=(
            Column("id_number", parse_id_number, required=True),
            Column("category", parse_choice(SPECIAL_OPS), required=True),
            Column("number", _text(Certificate, "number"), required=True),
            Column("issued_on", parse_date, required=True),
            Column("valid_until", parse_date, required=True),
            Column("review_due_on", parse_date, default=None),
        ),
        key=("number",),
        rules=(PersonKnown(), NumberOfOnePerson(Certificate)),
        check=_check_certificate,
    ),
    "trainings": Register(
        kind="trainings",
        model=Training,
        columns=(
            Column("enterprise_uscc", parse_uscc, required=True),
            Column("id_number", parse_id_number, required=True),
            Column("kind", parse_choice(TRAINING_KINDS), required=True),
            Column("job", _text(Training, "job")),
            Column("course", _text(Training, "course"), required=True),
            Column("hours", parse_hours, required=True),
            Column("theory_passed", parse_bool, required=True),
            Column("practical_passed", parse_bool, required=True),
            Column("assessed_on", parse_date, required=True),
        ),
        key=("enterprise_id", "id_number", "kind", "job", "course", "assessed_on"),
        rules=(EnterpriseKnown(), WorkerAtEnterprise()),
        check=_check_training,
    ),
    "trainers": Register(
        kind="trainers",
        model=Trainer,
        columns=(
            Column("enterprise_uscc", parse_uscc, required=True),
            Column("id_number", parse_id_number, required=True),
            Column("job", _text(Trainer, "job"), required=True),
        ),
        key=("enterprise_id", "id_number", "job"),
        rules=(EnterpriseKnown(), WorkerAtEnterprise()),
    ),
    "skill_certificates": Register(
        kind="skill_certificates",
        model=SkillCertificate,
        columns=(
            Column("id_number", parse_id_number, required=True),
            Column("occupation", _text(SkillCertificate, "occupation"), required=True),
            Column("level", _text(SkillCertificate, "level"), required=True),
            Column("number", _text(SkillCertificate, "number"), required=True),
            Column("issued_on", parse_date, required=True),
        ),
        key=("number",),
        rules=(PersonKnown(), NumberOfOnePerson(SkillCertificate)),
    ),
}


def rows_resolve(register: Register, rows: list[Row], scope: Scope) -> None:
    """Check a batch of column-clean rows against the registers, a few queries per batch."""
    clean = [row for row in rows if not row.errors]
    for rule in register.rules if clean else ():
        rule.check(clean, scope)


def model_values(register: Register, row: Row, present: Iterable[str]) -> dict[str, Any]:
    """The model field values of a resolved row, for the present columns."""
    return {field_for(name): row.values[field_for(name)] for name in present}


def natural_key(register: Register, values: dict[str, Any]) -> tuple:
    return tuple(values[name] for name in register.key)


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def rows_upsert(
    register: Register, rows: list[Row], present: Iterable[str], *, batch_size: int = 2000
) -> UpsertCounts:
    """Create or update resolved rows by natural key; only present columns are written.

    The caller holds the transaction. Rows must have distinct natural keys.
    """
    present = [name for name in register.column_names if name in set(present)]
    counts = UpsertCounts()
    if not rows:
        return counts
    wanted = [model_values(register, row, present) for row in rows]
    narrow = {f"{name}__in": {values[name] for values in wanted} for name in register.key[:2]}
    existing = {
        natural_key(register, vars(obj)): obj for obj in register.model.objects.filter(**narrow)
    }
    to_create, to_update, changed_fields = [], [], set()
    for values in wanted:
        obj = existing.get(natural_key(register, values))
        if obj is None:
            to_create.append(values)
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values[name])
        changed_fields.update(changed)
        to_update.append(obj)
    if to_create:
        register.model.objects.bulk_create(
            [register.model(**values) for values in to_create], batch_size=batch_size
        )
    if to_update:
        register.model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=batch_size)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


# --- single writes through the API and the admin ---------------------------------------


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    """Values for the audit payload, with resident ID numbers masked."""
    return {
        name: mask_id_number(value) if name == "id_number" else value
        for name, value in values.items()
    }


def row_as_data(register: Register, instance: models.Model) -> dict[str, Any]:
    """A stored row as the columns of its register."""
    data = {}
    for name in register.column_names:
        if name == "enterprise_uscc":
            data[name] = instance.enterprise.uscc
        elif name == "jurisdiction":
            data[name] = instance.jurisdiction_id
        else:
            data[name] = getattr(instance, name)
    return data


def _validated(register: Register, *, actor: User | None, data: dict[str, Any]) -> Row:
    scope = scope_for(actor)
    row = row_clean(register, Row(line=0), data, register.column_names)
    rows_resolve(register, [row], scope)
    if row.errors:
        raise Invalid({column: [reason] for column, reason in row.errors.items()})
    return row


def record_validate(*, kind: str, actor: User | None, data: dict[str, Any]) -> None:
    """Check one row of ``kind`` as the import would; raise Invalid naming each column."""
    _validated(REGISTERS[kind], actor=actor, data=data)


def record_create(*, kind: str, actor: User | None, data: dict[str, Any]) -> models.Model:
    """Register one row of ``kind``, validated as the import validates it; audited."""
    register = REGISTERS[kind]
    row = _validated(register, actor=actor, data=data)
    values = model_values(register, row, register.column_names)
    with transaction.atomic():
        key = dict(zip(register.key, natural_key(register, values), strict=True))
        if register.model.objects.filter(**key).exists():
            raise Invalid({"non_field_errors": [_("This row is already registered.")]})
        instance = register.model.objects.create(**values)
        events.register_row_created(
            instance=instance, actor=actor, kind=kind, values=_audit_values(values)
        )
    return instance


def record_update(
    *, kind: str, actor: User | None, instance: models.Model, data: dict[str, Any]
) -> models.Model:
    """Change one row (the columns given in ``data``), validated as the import does; audited."""
    register = REGISTERS[kind]
    merged = {**row_as_data(register, instance), **data}
    row = _validated(register, actor=actor, data=merged)
    values = model_values(register, row, register.column_names)
    with transaction.atomic():
        instance = register.model.objects.select_for_update().get(pk=instance.pk)
        key = dict(zip(register.key, natural_key(register, values), strict=True))
        if register.model.objects.filter(**key).exclude(pk=instance.pk).exists():
            raise Invalid({"non_field_errors": [_("Another row has the same natural key.")]})
        changed = {
            name: value for name, value in values.items() if getattr(instance, name) != value
        }
        for name, value in changed.items():
            setattr(instance, name, value)
        if changed:
            instance.save(update_fields=list(changed))
        events.register_row_updated(
            instance=instance, actor=actor, kind=kind, changed=_audit_values(changed)
        )
    return instance

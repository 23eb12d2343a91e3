"""Each register's columns as the admin lists them, and a template file per register.

The template is CSV in UTF-8 with BOM (Excel and WPS open it as UTF-8), written
by ``casework.exports`` like every CSV the bureau downloads: the Chinese headers,
then one example row written with the Chinese labels. The examples refer to one
another: imported in the order of ``IMPORT_KINDS`` (enterprises, workers,
certificates, trainings, trainers) into an empty database they import cleanly
(the jurisdictions come with the migrations); a test holds that.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from casework.exports import csv_text
from registry.import_file import IMPORT_KINDS, chinese_aliases, chinese_header
from registry.labels import choice_listing, flag_listing
from registry.services import REGISTERS, SECTORS, SPECIAL_OPS, TRAINING_KINDS, field_for

# The example enterprise and worker (valid check characters; not a real enterprise or person).
EXAMPLE_USCC = "91450103MA5K00000N"
EXAMPLE_ID_NUMBER = "450103199003070012"

DATE = gettext_lazy("YYYY-MM-DD")
RULES = {
    "uscc": gettext_lazy("18 characters with a valid check character (GB 32100)"),
    "enterprise_uscc": gettext_lazy("a registered enterprise within your jurisdiction"),
    "jurisdiction": gettext_lazy("a division code of the jurisdiction tree, within yours"),
    "id_number": gettext_lazy(
        "18-character resident ID number (GB 11643): a real birth date, the right check digit"
    ),
    "hired_on": DATE,
    "issued_on": DATE,
    "valid_until": DATE,
    "review_due_on": DATE,
    "assessed_on": DATE,
    "hours": gettext_lazy("0 to 99999.9, at most one decimal place"),
}
# Rules of a column in one register only.
KIND_RULES = {
    ("certificates", "id_number"): gettext_lazy(
        "a registered worker of some enterprise within your jurisdiction"
    ),
    ("certificates", "number"): gettext_lazy("not already registered for another ID number"),
    ("trainings", "id_number"): gettext_lazy("a registered worker of that enterprise"),
    ("trainers", "id_number"): gettext_lazy("a registered worker of that enterprise"),
    ("trainings", "job"): gettext_lazy("required for job safety training"),
    ("trainers", "job"): gettext_lazy("the job the trainer teaches"),
}

EXAMPLES = {
    "enterprises": {
        "uscc": EXAMPLE_USCC,
        "name": "南宁示例化工有限公司",
        "sector": "hazardous_chemicals",
        "jurisdiction": "450103",
        "address": "南宁市青秀区示例路1号",
        "legal_representative": "张三",
        "contact_phone": "0771-1234567",
    },
    "workers": {
        "enterprise_uscc": EXAMPLE_USCC,
        "id_number": EXAMPLE_ID_NUMBER,
        "name": "李四",
        "job": "化工操作工",
        "is_team_leader": True,
        "special_ops": ["electrical", "welding"],
        "hired_on": "2024-03-01",
    },
    "certificates": {
        "id_number": EXAMPLE_ID_NUMBER,
        "category": "electrical",
        "number": "T2024011500001",
        "issued_on": "2024-01-15",
        "valid_until": "2030-01-14",
        "review_due_on": "2027-01-14",
    },
    "trainings": {
        "enterprise_uscc": EXAMPLE_USCC,
        "id_number": EXAMPLE_ID_NUMBER,
        "kind": "job_safety",
        "job": "化工操作工",
        "course": "岗位安全操作规程",
        "hours": "24",
        "theory_passed": True,
        "practical_passed": True,
        "assessed_on": "2025-01-10",
    },
    "trainers": {
        "enterprise_uscc": EXAMPLE_USCC,
        "id_number": EXAMPLE_ID_NUMBER,
        "job": "化工操作工",
    },
}

VOCABULARIES = {
    "sector": SECTORS,
    "category": SPECIAL_OPS,
    "special_ops": SPECIAL_OPS,
    "kind": TRAINING_KINDS,
}


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    chinese: str
    aliases: tuple[str, ...]  # other Chinese headers the import accepts
    required: bool
    rule: str


def _rule(kind: str, name: str) -> str:
    register = REGISTERS[kind]
    column = register.column(name)
    if name in VOCABULARIES:
        listing = choice_listing(VOCABULARIES[name])
        if name == "special_ops":
            return _("categories (label or code) separated by ;: %(allowed)s") % {
                "allowed": listing
            }
        return _("a label or a code: %(allowed)s") % {"allowed": listing}
    if getattr(column.parse, "vocabulary", None) is not None:
        return _("yes or no: %(allowed)s") % {"allowed": flag_listing()}
    rule = KIND_RULES.get((kind, name)) or RULES.get(name) or ""
    return str(rule)


def columns_of(kind: str) -> list[ColumnInfo]:
    """The columns of a register, in the language in force."""
    register = REGISTERS[kind]
    result = []
    for column in register.columns:
        aliases = chinese_aliases(kind, column.name)
        result.append(
            ColumnInfo(
                name=column.name,
                chinese=aliases[0] if aliases else column.name,
                aliases=tuple(aliases[1:]),
                required=column.required or field_for(column.name) in register.key,
                rule=_rule(kind, column.name),
            )
        )
    return result


def _example_cell(kind: str, name: str, value) -> str:
    """The example value as people type it: a label in Chinese, 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    vocabulary = VOCABULARIES.get(name)
    if vocabulary is None:
        return str(value)
    codes = value if isinstance(value, list) else [value]
    labels = dict(vocabulary.labels())
    return ";".join(str(labels[code]) for code in codes)


def template_csv(kind: str) -> bytes:
    """The template file of a register: UTF-8 with BOM, Chinese headers, one example row."""
    if kind not in IMPORT_KINDS:
        raise KeyError(kind)
    register = REGISTERS[kind]
    header = [chinese_header(kind, c.name) or c.name for c in register.columns]
    with override("zh-hans"):
        example = [_example_cell(kind, c.name, EXAMPLES[kind][c.name]) for c in register.columns]
    return ("\ufeff" + csv_text(header, [example])).encode("utf-8")


def template_filename(kind: str) -> str:
    return f"{kind}-template.csv"

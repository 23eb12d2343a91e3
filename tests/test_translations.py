"""Every domain string of ours has a Chinese translation (Chinese is the default language)."""

import re

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from casework.audit import event_kinds
from casework.transitions import fsm_transitions, registered_all
from registry.qualification import REASONS

OUR_APPS = ("casework", "registry", "inspections", "penalties", "notifications", "portal")


def domain_strings() -> list[Promise]:
    strings: list[Promise] = []
    for config in (apps.get_app_config(label) for label in OUR_APPS):
        strings.append(config.verbose_name)
        for model in config.get_models():
            strings += [model._meta.verbose_name, model._meta.verbose_name_plural]
            for field in model._meta.get_fields():
                if hasattr(field, "verbose_name") and isinstance(field.verbose_name, Promise):
                    strings.append(field.verbose_name)
                strings += [label for _value, label in getattr(field, "choices", None) or ()]
    for registered in registered_all().values():
        for entry in registered.values():
            _field, declared = fsm_transitions(entry.model, entry.name)
            strings += [t.custom["label"] for t in declared]
            strings += [f.label for f in entry.payload().fields.values() if f.label]
    strings += [kind.label for kind in event_kinds().values()]
    for _level, label, message, basis in REASONS.values():
        strings += [label, message, basis]
    return [s for s in strings if isinstance(s, Promise)]


def test_every_domain_string_has_a_chinese_translation():
    strings = domain_strings()
    with translation.override("en"):
        sources = [str(s) for s in strings]
    with translation.override("zh-hans"):
        translated = [str(s) for s in strings]

    missing = sorted(
        {src for src, zh in zip(sources, translated, strict=True) if src == zh}
        & {src for src in sources if re.search("[a-z]{2}", src)}
    )
    assert len(sources) > 300
    assert not missing, f"{len(missing)} string(s) without a Chinese translation: {missing}"

"""
Engine reasons in the reader's language, for new and old assessments alike.

The engines (``haven.domain``) write English and never import Django. A keyed reason is a
``haven.domain.messages.Message``: a ``str`` with its key, English template and parameters. Its
template is a msgid in the Django catalogues (marked with the domain's ``gettext_noop``, which
``makemessages`` finds), so the catalogue of the engines' messages is ``locale/*/django.po``.

``encode`` turns the keyed reasons of an assessment's output into plain JSON beside it (stored in
``Assessment.output_messages``); ``localise`` puts the output back together in the active
language. An old assessment stored before reasons were keyed has no such record and shows its
English as written, marked ``lang="en"`` by the page.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import get_language_info, gettext

from haven.cases.countries import country_name
from haven.cases.vocabulary import Localised, term
from haven.domain.messages import COUNTRY, LANGUAGE, Codes, Day, Joined, Message

#: The output's keys whose strings are reasons or cautions (everything else is a code or an id).
REASON_KEYS = frozenset({"reasons", "cautions", "actions"})


def encode(value: Any) -> Any:
    """
    The keyed form of an engine output: the same shape, each keyed reason replaced by
    ``{"key", "text", "params"}`` and every other string by ``None`` (ids and enums only inside).
    """
    if isinstance(value, dict):
        return {name: encode(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, Message):
        return {
            "key": value.key,
            "text": value.template.text,
            "params": {name: _encode_param(param) for name, param in value.params.items()},
        }
    return None


def _encode_param(value: str) -> Any:
    if isinstance(value, Message):
        return encode(value)
    if isinstance(value, Codes):
        if value.kind:
            return {"codes": list(value.codes), "separator": value.separator, "kind": value.kind}
        return {"codes": list(value.codes), "separator": value.separator}
    if isinstance(value, Day):
        return {"date": str(value)}
    if isinstance(value, Joined):
        return {
            "parts": [_encode_param(part) for part in value.parts],
            "separator": value.separator,
        }
    return str(value)


def _label(code: str) -> str:
    """An identifier's label, in lower case inside a sentence (unless it starts with an acronym)."""
    label = term(code)
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _language_name(code: str) -> str:
    """A language by its name in the reader's language (Django's list); the code when unknown."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


#: How the codes of a ``Codes`` parameter with a ``kind`` are named.
_NAMERS = {COUNTRY: country_name, LANGUAGE: _language_name}


def _render_param(value: Any) -> str:
    if isinstance(value, dict) and "key" in value:
        return render(value)
    if isinstance(value, dict) and "codes" in value:
        name = _NAMERS.get(value.get("kind", ""), _label)
        return str(value["separator"]).join(name(str(code)) for code in value["codes"])
    if isinstance(value, dict) and "date" in value:
        return str(date_format(datetime.date.fromisoformat(value["date"]), "DATE_FORMAT"))
    if isinstance(value, dict) and "parts" in value:
        return str(value["separator"]).join(_render_param(part) for part in value["parts"])
    return str(value)


def render(encoded: dict[str, Any]) -> str:
    """One encoded reason in the active language, its parameters translated too."""
    template = gettext(encoded["text"])
    params = encoded.get("params") or {}
    if not params:
        return template
    return template % {name: _render_param(value) for name, value in params.items()}


def translate(reason: str) -> str:
    """A reason straight from the engines in the active language; a plain string as written."""
    if not isinstance(reason, Message):
        return reason
    return render(encode(reason))


def localise(output: Any, keyed: Any) -> Any:
    """``output`` with every reason that ``keyed`` (from ``encode``) knows in the active language."""
    if isinstance(output, dict) and isinstance(keyed, dict):
        return {name: localise(item, keyed.get(name)) for name, item in output.items()}
    if isinstance(output, list) and isinstance(keyed, list) and len(keyed) == len(output):
        return [localise(item, entry) for item, entry in zip(output, keyed, strict=True)]
    if isinstance(output, str) and isinstance(keyed, dict) and "key" in keyed:
        return Localised(render(keyed))
    return output


def unkeyed(output: Any, keyed: Any, path: str = "", *, reason: bool = False) -> list[str]:
    """The JSON paths of reasons and cautions in ``output`` that carry no key (empty: all do)."""
    if isinstance(output, dict):
        return [
            gap
            for name, item in output.items()
            for gap in unkeyed(
                item,
                keyed.get(name) if isinstance(keyed, dict) else None,
                f"{path}/{name}",
                reason=name in REASON_KEYS,
            )
        ]
    if isinstance(output, list):
        entries = keyed if isinstance(keyed, list) else [None] * len(output)
        return [
            gap
            for index, (item, entry) in enumerate(zip(output, entries, strict=False))
            for gap in unkeyed(item, entry, f"{path}/{index}", reason=reason)
        ]
    if reason and isinstance(output, str) and not (isinstance(keyed, dict) and "key" in keyed):
        return [path]
    return []

"""
Reasons that know their message key and parameters, so a screen can show them in es, fr or ar.

The engines write English (the JSON schema's text, which the CLI prints). A reason built from a
``MessageTemplate`` is a ``Message``: still a ``str`` holding the English text, so joining, JSON
and every existing caller see no difference, but it also carries ``key`` and ``params``. The web
layer translates it with ``haven.web.engine_messages.translate``, which looks the English
template up in the Django catalogues and fills in the parameters (translating nested messages).

The domain never imports Django. Templates are marked with this module's ``gettext_noop``, a
function that returns its argument: ``makemessages`` finds strings by the marker's name, so the
templates land in ``locale/*/django.po`` like any other interface string.

Outcome reasons are module-level templates (``PROTECTION_OUTCOME_MESSAGES``); the other
reasons are made where they are written with ``say(key, gettext_noop(text), **params)``.
Parameters are strings; three ``str`` subclasses keep their parts so the web can translate them
too: ``Codes`` (identifiers joined in English words, shown by their labels, or, with a ``kind``,
by their names: countries, languages), ``Joined`` (several reasons or phrases joined by a
separator) and ``Day`` (a date, shown in the reader's date format). ``tests/web/test_engine_messages.py`` runs
the engines on every fixture and on generated facts and fails on any reason without a key or a
translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalogues; the name is what makemessages looks for."""
    return message


@dataclass(frozen=True)
class MessageTemplate:
    """A stable key and the English text, with ``%(name)s`` placeholders."""

    key: str
    text: str

    def __call__(self, **params: str) -> Message:
        return Message(self, params)


def templates_by_key(*templates: MessageTemplate) -> Mapping[str, MessageTemplate]:
    """
    A catalogue of templates by key, which the catalogue tests walk; every engine's catalogue is
    built here. Two templates under one key would make one of them unreachable, so that fails.
    """
    catalogue = {template.key: template for template in templates}
    if len(catalogue) != len(templates):
        raise ValueError("two message templates share a key")
    return catalogue


def say(key: str, text: str, **params: str) -> Message:
    """One keyed reason, its template written where it is used (mark ``text`` with gettext_noop)."""
    return Message(MessageTemplate(key, text), params)


#: What a ``Codes`` parameter names, when its codes are not the engines' own identifiers: the web
#: shows ISO 3166 country codes and ISO 639 language codes by their names in the reader's language.
COUNTRY = "country"
LANGUAGE = "language"


class Codes(str):
    """
    Identifiers in English words joined by ``separator`` ("death threat, torture").

    ``kind`` says what the codes are when they are not identifiers with labels (``COUNTRY``,
    ``LANGUAGE``); such codes are written as they are in the English text.
    """

    codes: tuple[str, ...]
    separator: str
    kind: str

    def __new__(
        cls,
        codes: Iterable[str],
        separator: str = ", ",
        *,
        as_written: bool = False,
        kind: str = "",
    ) -> Codes:
        items = tuple(str(code) for code in codes)
        words = items if as_written or kind else tuple(code.replace("_", " ") for code in items)
        value = super().__new__(cls, separator.join(words))
        value.codes = items
        value.separator = separator
        value.kind = kind
        return value


class Day(str):
    """A date as its ISO form in the English text; the web shows it in the reader's format."""


class Joined(str):
    """Several reasons or phrases joined by ``separator``; each part may itself be a Message."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str = "; ") -> Joined:
        items = tuple(parts)
        value = super().__new__(cls, separator.join(items))
        value.parts = items
        value.separator = separator
        return value


class Message(str):
    """The English text of one reason, with the template and parameters it was made from."""

    template: MessageTemplate
    params: Mapping[str, str]

    def __new__(cls, template: MessageTemplate, params: Mapping[str, str]) -> Message:
        text = template.text % params if params else template.text
        message = super().__new__(cls, text)
        message.template = template
        message.params = dict(params)
        return message

    @property
    def key(self) -> str:
        return self.template.key


WHY_EXCLUDED = MessageTemplate("protection.why.excluded", gettext_noop("excluded"))
WHY_CEASED = MessageTemplate("protection.why.ceased", gettext_noop("a cessation clause applies"))
IN_OWN_COUNTRY = MessageTemplate(
    "protection.outcome.in_own_country",
    gettext_noop(
        "The defender is in their own country: international protection does not arise yet."
    ),
)
REJECTED_BUT_ABSOLUTE = MessageTemplate(
    "protection.outcome.rejected_but_absolute",
    gettext_noop(
        "Credibility is rejected or the evidence is insufficient, but a real risk of torture, "
        "ill-treatment or arbitrary deprivation of life bars return absolutely (ECHR art 3; "
        "CAT art 3; ICCPR arts 6-7; Chahal; Saadi v Italy) while the facts are revisited."
    ),
)
REJECTED = MessageTemplate(
    "protection.outcome.rejected",
    gettext_noop(
        "Credibility is rejected or the evidence is insufficient: the claim needs further "
        "evidence before protection can be shown."
    ),
)
BARRED_COMPLEMENTARY = MessageTemplate(
    "protection.outcome.barred_complementary",
    gettext_noop(
        "Refugee status is barred (%(why)s); subsidiary or complementary protection is indicated."
    ),
)
BARRED_BUT_ABSOLUTE = MessageTemplate(
    "protection.outcome.barred_but_absolute",
    gettext_noop(
        "Refugee status is barred (%(why)s), but a real risk of torture, ill-treatment or "
        "arbitrary deprivation of life bars return absolutely, whatever exclusion, art 33(2) or "
        "cessation indicators say (ECHR art 3; CAT art 3; ICCPR arts 6-7; Chahal; Saadi v "
        "Italy). What limits the status: %(limits)s."
    ),
)
BARRED = MessageTemplate(
    "protection.outcome.barred",
    gettext_noop(
        "Refugee status is barred (%(why)s) and no absolute bar on return is recorded; an "
        "individual assessment must confirm the exclusion or cessation first."
    ),
)
REFUGEE = MessageTemplate(
    "protection.outcome.refugee",
    gettext_noop(
        "Every inclusion element is met and no exclusion or cessation clause applies: the facts "
        "as recorded describe a refugee (status is declaratory, Handbook para 28)."
    ),
)
DANGER_TO_HOST = MessageTemplate(
    "protection.caution.danger_to_host",
    gettext_noop(
        "Caution: the recorded danger to the host's security is not an exclusion clause; the "
        "host state may refuse or revoke status under art 33(2) and QD art 14(4)-(6), but the "
        "person remains a refugee (CJEU C-391/16 M and Others)."
    ),
)
DANGER_TO_HOST_ABSOLUTE = MessageTemplate(
    "protection.caution.danger_to_host_absolute",
    gettext_noop(
        "Caution: the recorded danger to the host's security is not an exclusion clause; the "
        "host state may refuse or revoke status under art 33(2) and QD art 14(4)-(6), but the "
        "person remains a refugee (CJEU C-391/16 M and Others). Whatever it decides, a real "
        "risk of torture, ill-treatment or arbitrary deprivation of life bars return absolutely "
        "(ECHR art 3; CAT art 3; ICCPR arts 6-7)."
    ),
)
FAILS_EXCLUDED_BUT_ABSOLUTE = MessageTemplate(
    "protection.outcome.fails_excluded_but_absolute",
    gettext_noop(
        "Refugee status fails (%(elements)s); subsidiary protection is excluded (QD art 17), "
        "but a real risk of torture, ill-treatment or arbitrary deprivation of life bars return "
        "absolutely (ECHR art 3; CAT art 3; ICCPR arts 6-7; Chahal; Saadi v Italy). What limits "
        "the status: %(limits)s."
    ),
)
FAILS_EXCLUDED = MessageTemplate(
    "protection.outcome.fails_excluded",
    gettext_noop(
        "Refugee status fails (%(elements)s) and subsidiary protection is excluded (QD art 17)."
    ),
)
FAILS_COMPLEMENTARY = MessageTemplate(
    "protection.outcome.fails_complementary",
    gettext_noop(
        "Refugee status fails (%(elements)s), but a real risk of serious harm calls for "
        "complementary protection."
    ),
)
FAILS_COMPLEMENTARY_OPEN = MessageTemplate(
    "protection.outcome.fails_complementary_open",
    gettext_noop(
        "Refugee status fails (%(elements)s); whether complementary protection applies needs "
        "further evidence."
    ),
)
FAILS = MessageTemplate(
    "protection.outcome.fails",
    gettext_noop("Refugee status fails (%(elements)s) and no real risk of serious harm is shown."),
)
OPEN_EXCLUDED_BUT_ABSOLUTE = MessageTemplate(
    "protection.outcome.open_excluded_but_absolute",
    gettext_noop(
        "Refugee status is open (%(elements)s); subsidiary protection is excluded, but a real "
        "risk of torture, ill-treatment or arbitrary deprivation of life bars return absolutely "
        "(ECHR art 3; CAT art 3; ICCPR arts 6-7; Chahal; Saadi v Italy). What limits the "
        "status: %(limits)s."
    ),
)
OPEN_COMPLEMENTARY = MessageTemplate(
    "protection.outcome.open_complementary",
    gettext_noop(
        "At least complementary protection: a real risk of serious harm is shown, while refugee "
        "status stays open (%(elements)s)."
    ),
)
OPEN = MessageTemplate(
    "protection.outcome.open",
    gettext_noop(
        "Refugee status cannot yet be shown: not settled on the facts recorded: %(elements)s."
    ),
)
IF_ACCOUNT_ACCEPTED = MessageTemplate(
    "protection.if_account_accepted",
    gettext_noop("If the account is accepted: %(reason)s"),
)
NO_FIRM_NO = MessageTemplate(
    "protection.outcome.no_firm_no",
    gettext_noop(
        "Credibility and evidence are not yet assessed, so this is not a firm answer: further "
        "evidence is needed before no protection need can be shown (Handbook paras 195-196, "
        "203-205)."
    ),
)

#: Every keyed protection outcome message, by key.
PROTECTION_OUTCOME_MESSAGES: Mapping[str, MessageTemplate] = templates_by_key(
    WHY_EXCLUDED,
    WHY_CEASED,
    IN_OWN_COUNTRY,
    REJECTED_BUT_ABSOLUTE,
    REJECTED,
    BARRED_COMPLEMENTARY,
    BARRED_BUT_ABSOLUTE,
    BARRED,
    REFUGEE,
    DANGER_TO_HOST,
    DANGER_TO_HOST_ABSOLUTE,
    FAILS_EXCLUDED_BUT_ABSOLUTE,
    FAILS_EXCLUDED,
    FAILS_COMPLEMENTARY,
    FAILS_COMPLEMENTARY_OPEN,
    FAILS,
    OPEN_EXCLUDED_BUT_ABSOLUTE,
    OPEN_COMPLEMENTARY,
    OPEN,
    IF_ACCOUNT_ACCEPTED,
    NO_FIRM_NO,
)

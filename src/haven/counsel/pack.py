"""
The items a referral pack can hold: a small registry of providers.

Each provider knows one kind of item (the case summary, an assessment, a threat, an attachment, a
stay). It lists what the case has to offer (``choices``, one per record, so the defender consents
item by item) and, at export time, writes the chosen item into the pack (``content``). A new kind
is one more ``register`` call; nothing else changes (the legal adviser's opinion and the
consent conversation's decision and wishes are two such kinds, from ``haven.asylum``). Providers read records of a case the caller already reached through ``case_get``
and run inside a key-ring scope; they make no audit events of their own (the export makes one).
``content`` gets the acting member first and hands it to the case selectors it reads through
(``case_facts``, ``case_principal_defender``), which ask the policy themselves.

What counsel needs and no more, since the pack leaves the organisation: no wellbeing or clinical
notes, no security-plan details, no sources, no other defenders' data. The stay item therefore
carries dates, the programme and the host state, never the travel plan or the host city. The consent
conversation's item carries the defender's decision and wishes only (not what staff explained or
the interpreter), and a withdrawn conversation is never offered.
"""

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.asylum.models import ConsentConversation, LegalOpinion
from haven.cases.models import Assessment, Attachment, Case, Threat
from haven.cases.selectors import case_facts, case_principal_defender
from haven.cases.services import attachment_plaintext
from haven.organisations.models import Membership
from haven.relocations.models import Stay
from haven.vault.keyring import current_keyring

WHOLE_CASE = None


@dataclass(frozen=True)
class PackChoice:
    """One item the defender may agree to share: a kind and, for records, the record's id."""

    kind: str
    object_id: uuid.UUID | None
    label: str

    @property
    def key(self) -> str:
        """The form value for this choice: ``kind`` or ``kind:uuid``."""
        return self.kind if self.object_id is None else f"{self.kind}:{self.object_id}"


@dataclass
class PackContent:
    """What one item puts in the pack: a JSON section and any files."""

    section: dict[str, Any]
    files: list[tuple[str, bytes]] = field(default_factory=list)


#: Writes one chosen item into the pack: the acting member, the case, the record's id or None.
ContentBuilder = Callable[[Membership, Case, uuid.UUID | None], PackContent | None]


@dataclass(frozen=True)
class PackProvider:
    kind: str
    label: str | Promise
    choices: Callable[[Case], list[PackChoice]]
    content: ContentBuilder


PROVIDERS: dict[str, PackProvider] = {}


def register(provider: PackProvider) -> None:
    """Add a kind of item to the pack (a second registration of a kind replaces the first)."""
    PROVIDERS[provider.kind] = provider


def available_choices(case: Case) -> list[PackChoice]:
    """Every item the case can offer, provider by provider, in registration order."""
    return [choice for provider in PROVIDERS.values() for choice in provider.choices(case)]


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime.date) else value


# --- The case summary -----------------------------------------------------------------------


def _summary_choices(case: Case) -> list[PackChoice]:
    return [PackChoice("case_summary", WHOLE_CASE, str(_("Who the defender is")))]


def _summary_content(
    membership: Membership, case: Case, object_id: uuid.UUID | None
) -> PackContent:
    facts = case_facts(membership=membership, case=case)
    defender_facts = facts.get("defender", {})
    defender = case_principal_defender(membership=membership, case=case)
    return PackContent(
        {
            "case": case.code,
            "name": defender.legal_name if defender else "",
            "other_names": (defender.other_names or []) if defender else [],
            "birth_date": _iso(defender.birth_date) if defender else None,
            "nationalities": defender_facts.get("nationalities", []),
            "languages": defender_facts.get("languages", []),
            "current_country": defender_facts.get("current_country"),
            "intends_to_return": defender_facts.get("intends_to_return"),
        }
    )


# --- Assessments ------------------------------------------------------------------------------


def _engine_dated_choices(
    kind: str, rows: QuerySet[Assessment] | QuerySet[LegalOpinion], label: Promise
) -> list[PackChoice]:
    """One choice per row, newest first, named by its day and the engine version it read."""
    return [
        PackChoice(
            kind,
            row.pk,
            str(label)
            % {"date": row.recorded_at.date().isoformat(), "version": row.engine_version},
        )
        for row in rows.order_by("-recorded_at")
    ]


def _assessment_choices(case: Case) -> list[PackChoice]:
    return _engine_dated_choices(
        "assessment",
        Assessment.objects.filter(case=case),
        _("Protection assessment of %(date)s (engine %(version)s)"),
    )


#: The records a pack item is read from, each kept on one case.
_CaseRow = TypeVar(
    "_CaseRow", Assessment, Attachment, ConsentConversation, LegalOpinion, Stay, Threat
)


def _one_record(
    rows: QuerySet[_CaseRow], build: Callable[[_CaseRow], PackContent | None]
) -> ContentBuilder:
    """
    The content of a provider whose items are records of one table: the record ``object_id``
    among ``rows``, if it is the case's, written into the pack by ``build``. The record is given
    the case already read (with its key), so its encrypted fields open without reading the case
    again; a record of another case, or none chosen, puts nothing in the pack.
    """

    def content(
        membership: Membership, case: Case, object_id: uuid.UUID | None
    ) -> PackContent | None:
        if object_id is None:
            return None
        row = rows.filter(case=case, pk=object_id).first()
        if row is None:
            return None
        row.case = case
        return build(row)

    return content


def _assessment_content(row: Assessment) -> PackContent:
    output = row.output or {}
    return PackContent(
        {
            "recorded_at": row.recorded_at.isoformat(),
            "engine_version": row.engine_version,
            "risk": output.get("risk"),
            "risk_on_return": output.get("risk_on_return"),
            "protection": output.get("protection"),
            "regimes": output.get("regimes"),
            "staff_risk_level": row.staff_risk_level,
            "defender_risk_level": row.defender_risk_level,
        }
    )


# --- Threats ----------------------------------------------------------------------------------


def _threat_choices(case: Case) -> list[PackChoice]:
    choices = []
    for row in Threat.objects.filter(case=case).order_by("recorded_at"):
        row.case = case
        details = row.details or {}
        choices.append(
            PackChoice(
                "threat",
                row.pk,
                str(_("Threat of %(date)s")) % {"date": details.get("date") or "?"},
            )
        )
    return choices


def _threat_content(row: Threat) -> PackContent:
    return PackContent({"details": row.details or {}, "narrative": row.narrative or ""})


# --- Attachments ------------------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _attachment_choices(case: Case) -> list[PackChoice]:
    choices = []
    for row in Attachment.objects.filter(case=case).order_by("recorded_at"):
        row.case = case
        choices.append(
            PackChoice("attachment", row.pk, str(_("File: %(name)s")) % {"name": row.name})
        )
    return choices


def _attachment_content(row: Attachment) -> PackContent | None:
    ring = current_keyring()
    if ring is None:
        return None
    data = attachment_plaintext(row, ring)
    safe = _UNSAFE_NAME.sub("_", row.name or "file").strip("._")[:80] or "file"
    path = f"files/{str(row.pk)[:8]}-{safe}"
    return PackContent(
        {"file": path, "media_type": row.media_type, "size": row.size}, [(path, data)]
    )


# --- The stay ---------------------------------------------------------------------------------


def _stay_choices(case: Case) -> list[PackChoice]:
    return [
        PackChoice(
            "stay",
            stay.pk,
            str(_("Relocation stay at %(programme)s, %(start)s to %(end)s"))
            % {
                "programme": stay.programme.name,
                "start": stay.planned_start.isoformat(),
                "end": stay.planned_end.isoformat(),
            },
        )
        for stay in Stay.objects.filter(case=case).select_related("programme")
    ]


def _stay_content(stay: Stay) -> PackContent:
    return PackContent(
        {
            "programme": stay.programme.name,
            "programme_asylum_policy": getattr(stay.programme, "asylum_policy", "") or "",
            "host_state": stay.host_country,
            "planned_start": stay.planned_start.isoformat(),
            "planned_end": stay.planned_end.isoformat(),
            "arrived_on": _iso(stay.arrived_on),
            "stage": stay.status,
        }
    )


# --- The legal adviser's opinion --------------------------------------------------------------


def _opinion_choices(case: Case) -> list[PackChoice]:
    return _engine_dated_choices(
        "legal_opinion",
        LegalOpinion.objects.filter(case=case),
        _("Legal adviser's opinion of %(date)s (engine %(version)s)"),
    )


def _opinion_content(row: LegalOpinion) -> PackContent:
    return PackContent(
        {
            "recorded_at": row.recorded_at.isoformat(),
            "assessment": str(row.assessment_id),
            "engine_version": row.engine_version,
            "engine_outcome": row.engine_outcome,
            "overall": row.overall,
            "overall_reasons": row.overall_reasons or "",
            "diverges_from_engine": row.diverges,
            "elements": row.elements or {},
        }
    )


# --- The consent conversation's decision and wishes ---------------------------------------------


def _conversation_choices(case: Case) -> list[PackChoice]:
    rows = ConsentConversation.objects.filter(case=case, withdrawn_at__isnull=True)
    return [
        PackChoice(
            "consent_decision",
            row.pk,
            str(_("The defender's decision and wishes about asylum, %(date)s"))
            % {"date": row.held_on.isoformat()},
        )
        for row in rows.order_by("-held_on", "-recorded_at")
    ]


def _conversation_content(row: ConsentConversation) -> PackContent:
    return PackContent(
        {"held_on": row.held_on.isoformat(), "decision": row.decision, "wishes": row.wishes or ""}
    )


register(PackProvider("case_summary", _("Who the defender is"), _summary_choices, _summary_content))
register(
    PackProvider(
        "assessment",
        _("Protection assessment"),
        _assessment_choices,
        _one_record(Assessment.objects.all(), _assessment_content),
    )
)
register(
    PackProvider(
        "threat", _("Threat"), _threat_choices, _one_record(Threat.objects.all(), _threat_content)
    )
)
register(
    PackProvider(
        "attachment",
        _("File"),
        _attachment_choices,
        _one_record(Attachment.objects.all(), _attachment_content),
    )
)
register(
    PackProvider(
        "stay",
        _("Relocation stay"),
        _stay_choices,
        _one_record(Stay.objects.select_related("programme"), _stay_content),
    )
)
register(
    PackProvider(
        "legal_opinion",
        _("Legal adviser's opinion"),
        _opinion_choices,
        _one_record(LegalOpinion.objects.all(), _opinion_content),
    )
)
register(
    PackProvider(
        "consent_decision",
        _("The defender's decision and wishes about asylum"),
        _conversation_choices,
        _one_record(
            ConsentConversation.objects.filter(withdrawn_at__isnull=True), _conversation_content
        ),
    )
)

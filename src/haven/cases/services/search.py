"""
Finding defenders through blind indexes: by a part of a name, a phone number in a local format,
an e-mail or a document; and the duplicate check at intake. Limited per hour and audited.

Nothing here decrypts the table: the search term's tokens pick a few candidates, and only those
are decrypted to drop the false positives that truncation and coarse indexes create on purpose
(BI-02). docs/vault.md ("Partial search") says what the partial indexes leak.
"""

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseStatus, Defender, FormReceipt
from haven.cases.selectors import visible_cases
from haven.organisations.models import Membership, Organisation
from haven.organisations.policy import Permission, may
from haven.vault.blind_index import (
    NAME_PREFIX_LETTERS,
    PHONE_TAIL_DIGITS,
    BlindIndexer,
    blind_index_owners,
    blind_index_update,
    find_index,
    name_words,
    normalise_phone,
    phone_tail,
    phones_match,
)
from haven.vault.errors import SearchRateLimitedError
from haven.vault.keyring import KeyRing, keyring_scope

SEARCHES_PER_HOUR = 50
#: How many defenders ``defenders_reindex`` re-tokenises per transaction.
REINDEX_BATCH = 200
SEARCH_FIELD_UNKNOWN = _("Defenders cannot be searched by %(field)s.")
SEARCH_LIMIT_REACHED = _(
    "You have run %(limit)s searches in the past hour, the limit. Try again later."
)
NAME_TOO_SHORT = _(
    "Type at least %(letters)s letters of one of the names (a first name, a surname or the "
    "beginning of one), or the whole name."
)
PHONE_TOO_SHORT = _("Type at least the last %(digits)s digits of the phone number.")
VALUE_EMPTY = _("Type what to search for.")

#: The ways to search, and the one that uses partial names.
NAME = "name"
PHONE = "phone"
#: Indexes searched whole (the exact value, normalised).
EXACT_FIELDS = ("legal_name", "other_names", "email", "document_number")


@dataclass
class _Lookup:
    """What one search looked up: for its audit event (tokens and counts, never the term)."""

    tokens: list[str] = field(default_factory=list)
    candidates: int = 0


def _search_audited(
    membership: Membership,
    organisation: Organisation,
    label: str,
    run: Callable[[KeyRing, bool, _Lookup], list[Defender]],
) -> list[Defender]:
    """
    Run one search under the hourly limit and record its ``vault.blind_search`` event.

    Counts and records under one lock on the searcher's row, or concurrent searches all read the
    same count and slip past the limit together (issue 11, item 10). SQLite serialises writers
    already: its transactions begin IMMEDIATE (settings). ``run`` gets whether the member may see
    anything of the organisation at all: the acting membership is the organisation's and its role
    grants CASE_VIEW (an outsider's search looks up tokens but finds nothing, the same answer as a
    miss, BI-04).
    """
    user = membership.user
    with transaction.atomic(), keyring_scope() as ring:
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = AuditEvent.objects.filter(
            event_type=EventType.BLIND_SEARCH, actor_id=user.public_id, occurred_at__gte=since
        ).count()
        if recent >= SEARCHES_PER_HOUR:
            raise SearchRateLimitedError(SEARCH_LIMIT_REACHED, limit=SEARCHES_PER_HOUR)
        allowed = (
            may(membership, Permission.CASE_VIEW) and membership.organisation_id == organisation.pk
        )
        lookup = _Lookup()
        matches = run(ring, allowed, lookup)
        record_event(
            EventType.BLIND_SEARCH,
            actor=user,
            organisation=organisation,
            object_type="defender",
            data={
                "index": label,
                "token": lookup.tokens[0] if lookup.tokens else "",
                "tokens": lookup.tokens,
                "candidates": lookup.candidates if allowed else 0,
                "matches": len(matches),
            },
        )
    return matches


def _decrypted_candidates(
    ring: KeyRing, organisation: Organisation, owner_ids: Iterable[Any]
) -> list[Defender]:
    """The live defenders among ``owner_ids``, their keys opened with one query."""
    wanted = list(owner_ids)
    if not wanted:
        return []
    candidates = list(
        Defender.objects.filter(
            organisation=organisation, pk__in=wanted, erased_at__isnull=True
        ).order_by("created_at")
    )
    ring.prefetch(candidate.vault_key_ref() for candidate in candidates)
    return candidates


def _names_of(defender: Defender) -> list[str]:
    names = [defender.legal_name] if isinstance(defender.legal_name, str) else []
    others = defender.other_names
    if isinstance(others, list):
        names.extend(name for name in others if isinstance(name, str))
    return names


def name_matches(stored: str, searched_words: list[str]) -> bool:
    """Whether every searched word begins some word of the stored name (accent- and case-blind)."""
    words = name_words(stored)
    return bool(searched_words) and all(
        any(word.startswith(part) for word in words) for part in searched_words
    )


def _name_candidates(
    indexer: BlindIndexer, organisation: Organisation, words: list[str], lookup: _Lookup
) -> set[Any]:
    """Owners whose name has, for every long searched word, a word with the same beginning."""
    owners: set[Any] | None = None
    for prefix in sorted({word[:NAME_PREFIX_LETTERS] for word in words}):
        found: set[Any] = set()
        for index_name in ("name_prefixes", "other_name_prefixes"):
            index = find_index(Defender, index_name)
            searched = indexer.piece_token(Defender, index, prefix)
            lookup.tokens.append(searched)
            found |= blind_index_owners(organisation.pk, Defender, index, [searched])
        owners = found if owners is None else owners & found
    return owners or set()


def _exact_candidates(
    indexer: BlindIndexer,
    organisation: Organisation,
    index_names: Iterable[str],
    value: str,
    lookup: _Lookup,
) -> set[Any]:
    owners: set[Any] = set()
    for index_name in index_names:
        index = find_index(Defender, index_name)
        searched = indexer.token_for(Defender, index, value)
        if searched is None:
            continue
        lookup.tokens.append(searched)
        owners |= blind_index_owners(organisation.pk, Defender, index, [searched])
    return owners


def _phone_candidates(
    indexer: BlindIndexer, organisation: Organisation, value: str, lookup: _Lookup
) -> set[Any]:
    index = find_index(Defender, "phone_tail")
    tokens = sorted(indexer.tokens_for(Defender, index, value))
    lookup.tokens.extend(tokens)
    return blind_index_owners(organisation.pk, Defender, index, tokens)


def check_search_term(field_name: str, value: str) -> None:
    """Raise CaseError when a search term is too short to search by (before any lookup)."""
    if field_name == NAME:
        words = name_words(value)
        if not words:
            raise CaseError(NAME_TOO_SHORT, letters=NAME_PREFIX_LETTERS)
        if not any(len(word) >= NAME_PREFIX_LETTERS for word in words) and (
            len(words) < 2 or sum(len(word) for word in words) < NAME_PREFIX_LETTERS
        ):
            raise CaseError(NAME_TOO_SHORT, letters=NAME_PREFIX_LETTERS)
    elif field_name == PHONE:
        if len(normalise_phone(value).lstrip("+")) < PHONE_TAIL_DIGITS:
            raise CaseError(PHONE_TOO_SHORT, digits=PHONE_TAIL_DIGITS)
    elif field_name in EXACT_FIELDS:
        if not value.strip():
            raise CaseError(VALUE_EMPTY)
    else:
        raise CaseError(SEARCH_FIELD_UNKNOWN, field=repr(field_name))


def defender_search(
    *, membership: Membership, organisation: Organisation, field: str, value: str
) -> list[Defender]:
    """
    Return the defenders of ``organisation`` that ``value`` finds by ``field``.

    ``name``: every word typed begins a word of the defender's legal name or of one other name,
    ignoring accents and case (``garc`` finds *García*; at least three letters of one word, or a
    whole name of short words such as *Li Wu*). ``phone``: the same number in any format, national
    or international (at least the last seven digits). ``legal_name``, ``other_names``, ``email``,
    ``document_number``: the whole value, normalised.

    Looks the term's tokens up through the blind indexes, then decrypts only those candidates to
    drop false positives. Checks itself that the acting membership is ``organisation``'s and may
    see its cases (CASE_VIEW; anyone else gets the same empty answer as a miss, BI-04) and allows
    ``SEARCHES_PER_HOUR`` searches per account per hour, counted from the audit log. Side effect:
    one ``vault.blind_search`` event holding the tokens and counts, never the term. Raises
    SearchRateLimitedError past the limit and CaseError for an unknown field or a term too short.
    """
    check_search_term(field, value)

    def run(ring: KeyRing, allowed: bool, lookup: _Lookup) -> list[Defender]:
        indexer = BlindIndexer(ring, organisation.pk)
        accept: Callable[[Defender], bool]
        if field == NAME:
            words = name_words(value)
            long_words = [word for word in words if len(word) >= NAME_PREFIX_LETTERS]
            if long_words:
                owners = _name_candidates(indexer, organisation, long_words, lookup)

                def accept(defender: Defender) -> bool:
                    return any(name_matches(name, words) for name in _names_of(defender))

            else:
                owners = _exact_candidates(
                    indexer, organisation, ("legal_name", "other_names"), value, lookup
                )

                def accept(defender: Defender) -> bool:
                    return any(name_words(name) == words for name in _names_of(defender))

        elif field == PHONE:
            owners = _phone_candidates(indexer, organisation, value, lookup)

            def accept(defender: Defender) -> bool:
                return isinstance(defender.phone, str) and phones_match(defender.phone, value)

        else:
            index = find_index(Defender, field)
            owners = _exact_candidates(indexer, organisation, (field,), value, lookup)
            wanted = index.normalise(value)

            def accept(defender: Defender) -> bool:
                stored = getattr(defender, index.field)
                items = stored if isinstance(stored, list) else [stored]
                return any(
                    isinstance(item, str) and index.normalise(item) == wanted for item in items
                )

        lookup.candidates = len(owners)
        if not allowed:
            return []
        return [
            candidate
            for candidate in _decrypted_candidates(ring, organisation, owners)
            if accept(candidate)
        ]

    return _search_audited(membership, organisation, field, run)


# Duplicates at intake -------------------------------------------------------------------------


@dataclass(frozen=True)
class PossibleDuplicates:
    """
    What the duplicate check may tell the member taking a defender in: the matching cases they may
    see, and only *whether* other matching cases exist (never which, how many or whose).
    """

    visible: list[Case]
    others_exist: bool

    def __bool__(self) -> bool:
        return bool(self.visible) or self.others_exist


def _same_person(defender: Defender, identity: Mapping[str, Any]) -> bool:
    """Whether the stored defender shares a whole name, a phone, an e-mail or a document."""
    new_names = [identity.get("legal_name") or "", *(identity.get("other_names") or [])]
    new_words = [name_words(name) for name in new_names if isinstance(name, str)]
    for stored in _names_of(defender):
        if name_words(stored) and name_words(stored) in new_words:
            return True
    phone = identity.get("phone")
    if (
        isinstance(phone, str)
        and isinstance(defender.phone, str)
        and phone_tail(normalise_phone(phone))
        and phones_match(defender.phone, phone)
    ):
        return True
    for field_name in ("email", "document_number"):
        value, stored_value = identity.get(field_name), getattr(defender, field_name)
        if isinstance(value, str) and isinstance(stored_value, str):
            index = find_index(Defender, field_name)
            if index.normalise(value) and index.normalise(value) == index.normalise(stored_value):
                return True
    return False


def intake_duplicates(
    *,
    membership: Membership,
    identity: Mapping[str, Any],
    submission_token: uuid.UUID | None = None,
) -> PossibleDuplicates:
    """
    Check a defender about to be taken in against the organisation's defenders: the same whole
    name (legal or other, either way round), phone number (any format), e-mail or document.

    The member learns the codes of matching cases they may see; of the others only that one
    exists, so that they can ask a coordinator (a deliberate, audited exception to BI-04, which
    would hide them). Counts as one search against the hourly limit and records a
    ``vault.blind_search`` event (index ``intake``) with tokens and counts only.
    A form whose ``submission_token`` was already saved is not checked again (no search, no
    event): ``case_intake`` answers it as a double submit. Raises SearchRateLimitedError past the
    limit.
    """
    if submission_token is not None and FormReceipt.objects.filter(pk=submission_token).exists():
        return PossibleDuplicates(visible=[], others_exist=False)
    organisation = membership.organisation
    names = [identity.get("legal_name") or "", *(identity.get("other_names") or [])]
    matched_ids: list[Any] = []

    def run(ring: KeyRing, allowed: bool, lookup: _Lookup) -> list[Defender]:
        indexer = BlindIndexer(ring, organisation.pk)
        owners: set[Any] = set()
        for name in names:
            if isinstance(name, str) and name_words(name):
                owners |= _exact_candidates(
                    indexer, organisation, ("legal_name", "other_names"), name, lookup
                )
        phone = identity.get("phone")
        if isinstance(phone, str) and phone.strip():
            owners |= _phone_candidates(indexer, organisation, phone, lookup)
        for field_name in ("email", "document_number"):
            value = identity.get(field_name)
            if isinstance(value, str) and value.strip():
                owners |= _exact_candidates(indexer, organisation, (field_name,), value, lookup)
        lookup.candidates = len(owners)
        if not allowed:
            return []
        found = [
            candidate
            for candidate in _decrypted_candidates(ring, organisation, owners)
            if _same_person(candidate, identity)
        ]
        matched_ids.extend(defender.pk for defender in found)
        return found

    _search_audited(membership, organisation, "intake", run)
    if not matched_ids:
        return PossibleDuplicates(visible=[], others_exist=False)
    matching = (
        Case.objects.filter(organisation=organisation, defenders__in=matched_ids, staged=False)
        .exclude(status=CaseStatus.ERASED)
        .values_list("pk", flat=True)
        .distinct()
    )
    matching_ids = set(matching)
    visible = list(visible_cases(membership=membership).filter(pk__in=matching_ids))
    return PossibleDuplicates(visible=visible, others_exist=len(visible) < len(matching_ids))


# Re-indexing ---------------------------------------------------------------------------------


def defenders_reindex(*, batch_size: int = REINDEX_BATCH) -> int:
    """
    Recompute every live defender's blind-index tokens with the current normalisers and indexes,
    ``batch_size`` defenders per transaction (a run cut short is finished by running it again).
    Erased defenders have no tokens and no key, and are skipped. Returns how many were indexed.

    Run by ``haven vault reindex`` and by cases migration 0008; needs the master key. Writes no
    audit event: it changes no record, only the tokens derived from them.
    """
    done = 0
    last_created: Any = None
    last_id: Any = None
    while True:
        rows = Defender.objects.filter(erased_at__isnull=True).order_by("created_at", "id")
        if last_id is not None:
            rows = rows.filter(created_at__gte=last_created).exclude(
                created_at=last_created, id__lte=last_id
            )
        with transaction.atomic(), keyring_scope() as ring:
            batch = list(rows[:batch_size])
            if not batch:
                return done
            ring.prefetch(defender.vault_key_ref() for defender in batch)
            for defender in batch:
                blind_index_update(defender, ring)
        done += len(batch)
        last_created, last_id = batch[-1].created_at, batch[-1].pk

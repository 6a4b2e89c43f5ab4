"""Exact search for a defender through blind indexes, limited per hour and audited."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.cases.errors import CaseError
from haven.cases.models import Defender
from haven.cases.selectors import membership_roles
from haven.organisations.models import Membership, Organisation
from haven.vault.blind_index import blind_index_candidates, find_index
from haven.vault.errors import SearchRateLimitedError
from haven.vault.keyring import keyring_scope

SEARCHES_PER_HOUR = 50
SEARCH_FIELD_UNKNOWN = _("Defenders cannot be searched by %(field)s.")
SEARCH_LIMIT_REACHED = _(
    "You have run %(limit)s searches in the past hour, the limit. Try again later."
)


def defender_search(
    *, membership: Membership, organisation: Organisation, field: str, value: str
) -> list[Defender]:
    """
    Return the defenders of ``organisation`` whose ``field`` equals ``value`` after normalisation.

    Looks the normalised value up through its blind index, then decrypts the candidates to drop
    the false positives that truncation creates on purpose (BI-02). Checks itself that the member's
    account is an active member of ``organisation`` (an outsider gets the same empty answer as a
    miss, BI-04) and allows ``SEARCHES_PER_HOUR`` searches per account per hour, counted from the
    audit log under a lock on the account's row, so the limit holds across processes and
    concurrent requests. Side effect: one ``vault.blind_search`` event
    holding the token, never the term. Raises SearchRateLimitedError past the limit and CaseError
    for a field without an index.
    """
    try:
        index = find_index(Defender, field)
    except KeyError:
        raise CaseError(SEARCH_FIELD_UNKNOWN, field=repr(field)) from None
    user = membership.user
    with transaction.atomic(), keyring_scope() as ring:
        # Count and record under one lock on the searcher's row, or concurrent searches all read
        # the same count and slip past the limit together (issue 11, item 10). SQLite serialises
        # writers already: its transactions begin IMMEDIATE (settings).
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = AuditEvent.objects.filter(
            event_type=EventType.BLIND_SEARCH, actor_id=user.public_id, occurred_at__gte=since
        ).count()
        if recent >= SEARCHES_PER_HOUR:
            raise SearchRateLimitedError(SEARCH_LIMIT_REACHED, limit=SEARCHES_PER_HOUR)
        allowed = bool(membership_roles(user, organisation))
        searched, owner_ids = blind_index_candidates(ring, organisation.pk, Defender, index, value)
        matches: list[Defender] = []
        if allowed and owner_ids:
            candidates = list(
                Defender.objects.filter(
                    organisation=organisation, pk__in=owner_ids, erased_at__isnull=True
                )
            )
            ring.prefetch(candidate.vault_key_ref() for candidate in candidates)
            wanted = index.normalise(value)
            for candidate in candidates:
                stored = getattr(candidate, index.field)
                values = stored if isinstance(stored, list) else [stored]
                if any(
                    isinstance(item, str) and index.normalise(item) == wanted for item in values
                ):
                    matches.append(candidate)
        record_event(
            EventType.BLIND_SEARCH,
            actor=user,
            organisation=organisation,
            object_type="defender",
            data={
                "index": index.name,
                "token": searched or "",
                "candidates": len(owner_ids) if allowed else 0,
                "matches": len(matches),
            },
        )
    return matches

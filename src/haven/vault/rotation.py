"""
Key rotation: re-wrapping keys under new ones, in small transactions that can be cut anywhere.

Rotation never re-encrypts data. ``rotate_master`` re-wraps every organisation key under a new
master key; ``rotate_organisation`` creates a new organisation data key and re-wraps every data key
of that organisation under it. Each re-wrapped row is committed with its new key id or version,
so a run that is killed leaves every row readable (under the old key or the new one, both still
loaded or stored) and the next run carries on with what is left (CRY-05). ``max_rows`` lets an
operator rotate in slices; tests use it to stop a rotation part-way.

Retired organisation key versions stay readable until ``destroy_retired_keys`` removes them after
the backup retention window: that is the moment copies of erased cases in old backups become
unreadable for good (CRY-07, see docs/vault.md).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.services import record_event
from haven.vault import aead
from haven.vault.keyring import KeyRef, KeyRing, data_key_aad, organisation_key_aad
from haven.vault.masterkey import MasterKey
from haven.vault.models import DataKey, KeyPurpose, KeyState, OrganisationKey


@dataclass(frozen=True)
class RotationReport:
    """What one run did: rows re-wrapped now, and rows still waiting (0 when finished)."""

    rewrapped: int
    remaining: int
    version: int | None = None

    @property
    def finished(self) -> bool:
        return self.remaining == 0


def rotate_master(*, new_master: MasterKey, max_rows: int | None = None) -> RotationReport:
    """
    Re-wrap every organisation key still under another master key with ``new_master``.

    The configured master key (and ``new_master``) must be loaded; rows under any other master
    key raise UnknownMasterKeyError before anything changes for them. Side effect: one
    ``vault.master_key_rotated`` event per re-wrapped key.
    """
    ring = KeyRing(extra_master_keys=[new_master])
    pending = OrganisationKey.objects.exclude(master_key_id=new_master.key_id).exclude(wrapped=None)
    done = 0
    for row_id in list(pending.order_by("pk").values_list("pk", flat=True)):
        if max_rows is not None and done >= max_rows:
            break
        with transaction.atomic():
            row = OrganisationKey.objects.select_for_update().get(pk=row_id)
            if row.master_key_id == new_master.key_id or row.wrapped is None:
                continue
            previous = row.master_key_id
            raw = ring.raw_organisation_key(row)
            row.wrapped = aead.seal(
                new_master.cipher,
                raw,
                organisation_key_aad(row.organisation_id, row.purpose, row.version),
            )
            row.master_key_id = new_master.key_id
            row.save(update_fields=["wrapped", "master_key_id"])
            record_event(
                EventType.MASTER_KEY_ROTATED,
                organisation=row.organisation_id,
                object_type="organisation_key",
                object_id=f"{row.purpose}-v{row.version}",
                data={"from": previous, "to": new_master.key_id},
            )
        done += 1
    return RotationReport(rewrapped=done, remaining=pending.count())


def _stale_data_keys(organisation_id: Any, version: int) -> Any:
    return (
        DataKey.objects.filter(organisation_id=organisation_id, destroyed_at__isnull=True)
        .exclude(organisation_key__version=version)
        .exclude(wrapped=None)
    )


def _current_or_new_version(ring: KeyRing, organisation_id: Any) -> int:
    """Resume the rotation in progress, or start one by adding a new active key version."""
    with transaction.atomic():
        active = (
            OrganisationKey.objects.select_for_update()
            .filter(organisation_id=organisation_id, purpose=KeyPurpose.DATA, state=KeyState.ACTIVE)
            .order_by("-version")
            .first()
        )
        if active is not None and _stale_data_keys(organisation_id, active.version).exists():
            return active.version
        latest = (
            OrganisationKey.objects.filter(organisation_id=organisation_id, purpose=KeyPurpose.DATA)
            .order_by("-version")
            .first()
        )
        version = (latest.version + 1) if latest else 1
        ring.add_organisation_key(organisation_id, KeyPurpose.DATA, version=version)
        OrganisationKey.objects.filter(
            organisation_id=organisation_id, purpose=KeyPurpose.DATA, state=KeyState.ACTIVE
        ).exclude(version=version).update(state=KeyState.RETIRED, retired_at=timezone.now())
        return version


def rotate_organisation(
    *, organisation: Any, max_rows: int | None = None, batch_size: int = 200
) -> RotationReport:
    """
    Re-wrap every data key of ``organisation`` under its newest organisation data key.

    Starts a rotation (a new key version) unless one is unfinished, in which case it resumes it.
    Side effect: one ``vault.organisation_key_rotated`` event when the rotation completes.
    """
    organisation_id = getattr(organisation, "pk", organisation)
    ring = KeyRing()
    version = _current_or_new_version(ring, organisation_id)
    new_row = ring.organisation_row(organisation_id, KeyPurpose.DATA, version)
    new_cipher = ring.open_organisation_row(new_row)
    done = 0
    while max_rows is None or done < max_rows:
        limit = batch_size if max_rows is None else min(batch_size, max_rows - done)
        with transaction.atomic():
            batch = list(
                _stale_data_keys(organisation_id, version)
                .select_related("organisation_key")
                .select_for_update(of=("self",))
                .order_by("pk")[:limit]
            )
            if not batch:
                break
            for row in batch:
                ref = KeyRef(row.organisation_id, row.owner_type, row.owner_id)
                old_cipher = ring.open_organisation_row(row.organisation_key)
                raw = aead.open_sealed(
                    old_cipher, bytes(row.wrapped), data_key_aad(ref, row.version)
                )
                row.wrapped = aead.seal(
                    new_cipher, raw, data_key_aad(ref, row.version), key_version=version
                )
                row.organisation_key = new_row
                row.save(update_fields=["wrapped", "organisation_key"])
            done += len(batch)
    remaining = _stale_data_keys(organisation_id, version).count()
    if remaining == 0:
        record_event(
            EventType.ORGANISATION_KEY_ROTATED,
            organisation=organisation_id,
            object_type="organisation_key",
            object_id=f"data-v{version}",
            data={"version": version, "rewrapped": done},
        )
    return RotationReport(rewrapped=done, remaining=remaining, version=version)


def destroy_retired_keys(*, organisation: Any, retired_before: datetime.datetime) -> int:
    """
    Destroy retired organisation data keys that no live data key uses any more.

    Run once the backup retention window has passed since the rotation: from then on, data keys
    of cases erased since that rotation cannot be opened from any backup either (CRY-07).
    """
    organisation_id = getattr(organisation, "pk", organisation)
    destroyed = 0
    with transaction.atomic():
        for row in OrganisationKey.objects.select_for_update().filter(
            organisation_id=organisation_id,
            purpose=KeyPurpose.DATA,
            state=KeyState.RETIRED,
            retired_at__lte=retired_before,
        ):
            if _stale_in_use(organisation_id, row.version):
                continue
            row.wrapped = None
            row.state = KeyState.DESTROYED
            row.destroyed_at = timezone.now()
            row.save(update_fields=["wrapped", "state", "destroyed_at"])
            record_event(
                # No event type of its own yet: a new enum member would need an audit migration.
                EventType.ORGANISATION_KEY_ROTATED,
                organisation=organisation_id,
                object_type="organisation_key",
                object_id=f"data-v{row.version}",
                data={"version": row.version, "action": "destroyed"},
            )
            destroyed += 1
    return destroyed


def _stale_in_use(organisation_id: Any, version: int) -> bool:
    return DataKey.objects.filter(
        organisation_id=organisation_id,
        organisation_key__version=version,
        destroyed_at__isnull=True,
    ).exists()

"""
The tamper-evident audit log.

Events form a keyed hash chain: each event's hash is an HMAC, under a key derived from the master
key, of the previous event's hash and the event's own canonical content, so editing, deleting,
inserting or reordering any event breaks every hash after it, which ``haven audit verify``
reports, and nobody without the master key can recompute the chain to hide it. A one-row ``ChainHead`` serialises appends, keeping
``seq`` gapless across processes. Events hold identifiers and enumerated values only; names and
free text never enter the chain, so the log can be shown, exported and kept after a case is erased.
"""

from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    # No ``choices``: the EventType enum grows with every feature, and choices would turn each new
    # member into a migration. ``record_event`` accepts only EventType members.
    event_type = models.CharField(max_length=64, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    organisation_id = models.UUIDField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The public id of the master key whose derived MAC key sealed ``hash``; empty for events
    # written before the chain was keyed (their ``hash`` is unkeyed SHA-256, see audit/chain.py).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [
            # The audit screen: one organisation's events, newest first, a keyset page at a time.
            models.Index(fields=["organisation_id", "-seq"], name="audit_org_newest_first"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}"


class ChainHead(models.Model):
    """The single row holding the last sequence number and hash of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return f"head #{self.seq}"

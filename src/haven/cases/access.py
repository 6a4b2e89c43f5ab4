"""
Need-to-know for cases (AZ-03): who may see which case, in one place.

Roles grant the case permissions; the object rule then narrows them to single cases. Coordinators
supervise their whole organisation and see every case in it. Everyone else sees a case only while
they are on its access list (an ``Assignment``) or hold an unexpired break-glass grant for it. The
same rule exists twice, as ``may_see_case`` for one object and ``visible_cases_filter`` for SQL,
and the tests check that both agree.
"""

import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from haven.cases.models import Assignment, BreakGlassGrant, Case
from haven.cases.reading import already_known, read_once
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, grant, register_object_rule

CASE_PERMISSIONS = {
    Role.COORDINATOR: (
        Permission.CASE_VIEW,
        Permission.CASE_OPEN,
        Permission.CASE_EDIT,
        Permission.CASE_ASSIGN,
        Permission.CASE_REVEAL_IDENTITY,
        Permission.CASE_ERASE,
    ),
    Role.CASEWORKER: (
        Permission.CASE_VIEW,
        Permission.CASE_OPEN,
        Permission.CASE_EDIT,
        Permission.CASE_REVEAL_IDENTITY,
        Permission.CASE_BREAK_GLASS,
    ),
    Role.LEGAL_ADVISER: (
        Permission.CASE_VIEW,
        Permission.CASE_EDIT,
        Permission.CASE_REVEAL_IDENTITY,
        Permission.CASE_BREAK_GLASS,
    ),
}


def supervises_all_cases(membership: Membership) -> bool:
    """Coordinators hold the supervisor role AZ-03 allows: every case of their organisation."""
    return membership.role == Role.COORDINATOR


def visible_cases_filter(membership: Membership) -> Q:
    """
    Return the SQL condition for the cases ``membership`` may see (erased ones included).

    The assignment test is one ``EXISTS``, which PostgreSQL turns into a semi-join planned from
    the member's own assignment statistics (and SQLite probes per row along the list's index).
    The live break-glass grants, rare and short, are read first as a list of case ids: an ``OR``
    of two correlated ``EXISTS``, as this used to be, cannot become a join, and the planner then
    guesses that most of the table matches (issue 17).
    """
    # Cases staged by an unfinished import are nobody's yet (see ImportRun).
    same_organisation = Q(organisation_id=membership.organisation_id, staged=False)
    if supervises_all_cases(membership):
        return same_organisation
    assigned = Q(
        Exists(Assignment.objects.filter(case_id=OuterRef("pk"), membership_id=membership.pk))
    )
    broken_into = list(
        BreakGlassGrant.objects.filter(
            membership_id=membership.pk, expires_at__gt=timezone.now()
        ).values_list("case_id", flat=True)
    )
    if broken_into:
        return same_organisation & (assigned | Q(pk__in=broken_into))
    return same_organisation & assigned


def one_case_filter(membership: Membership, *, now: datetime.datetime | None = None) -> Q:
    """
    The condition for one case ``membership`` may see, looked up by primary key, in a query on
    ``Case`` itself (the ``EXISTS`` probes name its table).

    For a single row, two probes by primary key in one ``EXISTS`` each cost less than the extra
    query ``visible_cases_filter`` makes to read the live grants first (which a list needs so
    that the planner can join). They are written as SQL because building the ORM's ``Exists``
    for them on every case page cost more than the query (issue 17); the member's id and the time
    are parameters, and every name comes from the models' metadata, quoted. ``now`` (the
    current time by default) is when a break-glass grant must still run.
    """
    same_organisation = Q(organisation_id=membership.organisation_id, staged=False)
    if supervises_all_cases(membership):
        return same_organisation
    member = _column_value(Assignment, "membership", membership.pk)
    now_stored = _column_value(BreakGlassGrant, "expires_at", now or timezone.now())
    assigned = _probe(Assignment, (member,))
    broken_into = _probe(BreakGlassGrant, (member, now_stored), unexpired=True)
    return same_organisation & (Q(assigned) | Q(broken_into))


def _column_value(model: Any, field_name: str, value: Any) -> Any:
    """``value`` as the database stores ``model.field_name`` (SQLite keeps ids and times as text)."""
    field = model._meta.get_field(field_name)
    return getattr(field, "target_field", field).get_db_prep_value(value, connection)


def _probe(model: Any, params: tuple[Any, ...], *, unexpired: bool = False) -> RawSQL:
    """
    ``EXISTS`` a row of ``model`` for the outer case and the member (the first parameter), and
    with ``unexpired`` one whose ``expires_at`` is after the second.
    """
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(model._meta.get_field(name).column)

    outer_case_id = f"{quote(Case._meta.db_table)}.{quote(Case._meta.pk.column)}"
    sql = (
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"WHERE {column('case')} = {outer_case_id} AND {column('membership')} = %s"
        + (f" AND {column('expires_at')} > %s)" if unexpired else ")")
    )
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611


def _seen_key(membership: Membership, case: Any) -> tuple[str, Any, Any]:
    return ("case seen by", membership.pk, case.pk)


def case_seen(membership: Membership, case: Case) -> None:
    """Tell the page's reading that ``membership`` sees ``case`` (it was found through
    ``one_case_filter``), so the panels' own checks need no query."""
    already_known(_seen_key(membership, case), True)


def may_see_case(membership: Membership, permission: Permission, case: Any) -> bool:
    """The object rule for ``Case``: the organisation's, and assigned or broken into."""
    if case.organisation_id != membership.organisation_id or case.staged:
        return False
    if supervises_all_cases(membership):
        return True
    # One row, one query, asked once per page reading (several panels check the case).
    return read_once(
        _seen_key(membership, case),
        lambda: Case.objects.filter(one_case_filter(membership), pk=case.pk).exists(),
    )


def install() -> None:
    """Grant the case permissions to their roles and register the object rule (app start-up)."""
    for role, permissions in CASE_PERMISSIONS.items():
        grant(role, *permissions)
    register_object_rule(Case, may_see_case)

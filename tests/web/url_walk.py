"""
Walking every URL pattern, and the objects that fill their ``<uuid:...>`` parts.

When an app adds a URL with a new ``<uuid:name>`` parameter, add an entry to ``OBJECT_FACTORIES``:
a function that creates (through the app's services) an object belonging to the given
organisation and returns its id. The URL-policy test then checks that a member of another
organisation gets 404 for it. A UUID parameter with no factory fails the test, so nothing slips
through unchecked.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import StringConverter, UUIDConverter

from haven.accounts.models import LoginSession, User
from haven.accounts.services import invitation_create
from haven.organisations.models import Membership, Organisation, Role
from haven.programmes.models import Programme
from haven.programmes.services import application_create, matching_run_create
from tests.acting import acting
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)

ObjectFactory = Callable[[Organisation, User], uuid.UUID]


def _membership(organisation: Organisation, member: User) -> uuid.UUID:
    colleague = User.objects.create_user(username=f"colleague-{uuid.uuid4().hex[:8]}")
    return Membership.objects.create(
        user=colleague, organisation=organisation, role=Role.CASEWORKER
    ).pk


def _invitation(organisation: Organisation, member: User) -> uuid.UUID:
    invitation, _token = invitation_create(
        membership=acting(member, organisation), role=Role.ANALYST
    )
    return invitation.pk


def _login_session(organisation: Organisation, member: User) -> uuid.UUID:
    return LoginSession.objects.create(user=member, session_key_digest="0" * 64).pk


def _security_notice(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.accounts.models import SecurityNoticeKind
    from haven.accounts.services import security_notice_create

    return security_notice_create(user=member, kind=SecurityNoticeKind.PASSWORD_CHANGED).pk


def _case(organisation: Organisation, member: User) -> uuid.UUID:
    from tests.cases.factories import open_canary_case

    return open_canary_case(organisation, member, suffix=uuid.uuid4().hex[:6]).pk


def _erasure(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.cases.services import case_erasure_request

    case_id = _case(organisation, member)
    from haven.cases.models import Case

    return case_erasure_request(
        membership=acting(member, organisation), case=Case.objects.get(pk=case_id)
    ).pk


def _assessment(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.cases.models import Case
    from haven.cases.services import assessment_run

    case = Case.objects.get(pk=_case(organisation, member))
    membership = Membership.objects.get(user=member, organisation=organisation)
    return assessment_run(
        membership=membership,
        case=case,
        staff_risk_level="high",
        defender_risk_level="critical",
        staff_decision="",
    ).pk


def _attachment(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.cases.models import Case
    from haven.cases.services import attachment_add

    case = Case.objects.get(pk=_case(organisation, member))
    return attachment_add(
        membership=acting(member), case=case, name="statement.txt", data=b"A statement.\n"
    ).pk


def _consent(organisation: Organisation, member: User) -> uuid.UUID:
    import datetime

    from haven.cases.models import Case, ConsentPurpose
    from haven.cases.services import consent_record

    case = Case.objects.get(pk=_case(organisation, member))
    return consent_record(
        membership=acting(member),
        case=case,
        purpose=ConsentPurpose.PROCESSING,
        given_on=datetime.date(2026, 1, 5),
        scope="processing for protection",
    ).pk


def _programme(organisation: Organisation, member: User) -> uuid.UUID:
    return _existing_programme(organisation).pk


def _existing_programme(organisation: Organisation) -> Programme:
    """One fictional programme per organisation, shared by the factories of one URL."""
    return Programme.objects.filter(organisation=organisation).first() or make_programme(
        organisation
    )


def _intake_window(organisation: Organisation, member: User) -> uuid.UUID:
    return make_window(_existing_programme(organisation), member).pk


def _application(organisation: Organisation, member: User) -> uuid.UUID:
    return application_create(
        membership=acting(member),
        case=open_fictional_case(organisation, member),
        programme=_existing_programme(organisation),
        route="applied",
    ).pk


def _matching_run(organisation: Organisation, member: User) -> uuid.UUID:
    programme = _existing_programme(organisation)
    window = make_window(programme, member)
    submitted_application(member, open_fictional_case(organisation, member), programme, window)
    return matching_run_create(
        membership=acting(member), organisation=organisation, windows=[window]
    ).pk


def _api_token(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.api.tokens import token_create

    membership = Membership.objects.get(user=member, organisation=organisation)
    token, _secret = token_create(
        membership=membership, name="walk", scopes=["cases:read"], lifetime_days=7
    )
    return token.pk


def _referral(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.portal.abuse import read_form_token
    from haven.portal.services import ReferralContent, referral_submit
    from tests.portal.helpers import referral_data

    data = referral_data(organisation)
    referral, _code = referral_submit(
        organisation=organisation,
        content=ReferralContent(
            **{key: data[key] for key in ("name", "channel", "handle", "country", "when")},
            account=data["account"],
            urgency=data["urgency"],
            language="en",
        ),
        passphrase=data["passphrase"],
        files=[],
        form_token=read_form_token(data["form_token"]),
    )
    return referral.pk


def _stay(organisation: Organisation, member: User) -> uuid.UUID:
    from tests.relocations.factories import arrived_stay

    return arrived_stay(organisation, member).pk


def _extension(organisation: Organisation, member: User) -> uuid.UUID:
    import datetime

    from haven.relocations.services import extension_request
    from tests.relocations.factories import arrived_stay, membership_of

    stay = arrived_stay(organisation, member)
    return extension_request(
        membership=membership_of(member, organisation),
        stay=stay,
        ground="health",
        requested_end=stay.planned_end + datetime.timedelta(days=14),
    ).pk


def _traveller(organisation: Organisation, member: User) -> uuid.UUID:
    from tests.relocations.factories import url_walk_traveller

    return url_walk_traveller(organisation, member)


def _follow_up(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.relocations.models import FollowUp
    from tests.relocations.factories import returned_stay

    return FollowUp.objects.filter(stay=returned_stay(organisation, member)).first().pk


def _conversation(organisation: Organisation, member: User) -> uuid.UUID:
    from haven.cases.models import Case
    from tests.asylum.factories import record_conversation

    case = Case.objects.get(pk=_case(organisation, member))
    membership = Membership.objects.get(user=member, organisation=organisation)
    return record_conversation(membership, case).pk


def _counsel_referral_objects(organisation: Organisation, member: User):
    from django.utils import timezone

    from haven.counsel.services import referral_create
    from tests.counsel.factories import add_partner, referral_case

    partner = add_partner(organisation, member)
    case, threat, _attachment, consent = referral_case(organisation, member)

    return referral_create(
        membership=acting(member, organisation),
        case=case,
        partner=partner,
        consent_id=consent.pk,
        referred_on=timezone.localdate(),
        items_agreed_on=timezone.localdate(),
        item_keys=["case_summary", f"threat:{threat.pk}"],
    )


def _legal_partner(organisation: Organisation, member: User) -> uuid.UUID:
    from tests.counsel.factories import add_partner

    return add_partner(organisation, member).pk


def _counsel_referral(organisation: Organisation, member: User) -> uuid.UUID:
    return _counsel_referral_objects(organisation, member).pk


def _pack_item(organisation: Organisation, member: User) -> uuid.UUID:
    return _counsel_referral_objects(organisation, member).items.first().pk


OBJECT_FACTORIES: dict[str, ObjectFactory] = {
    "token_id": _api_token,
    "membership_id": _membership,
    "invitation_id": _invitation,
    "session_id": _login_session,
    "notice_id": _security_notice,
    "case_id": _case,
    "erasure_id": _erasure,
    "assessment_id": _assessment,
    "attachment_id": _attachment,
    "consent_id": _consent,
    "record_id": _consent,
    "programme_id": _programme,
    "window_id": _intake_window,
    "application_id": _application,
    "run_id": _matching_run,
    "referral_id": _referral,
    "stay_id": _stay,
    "extension_id": _extension,
    "follow_up_id": _follow_up,
    "conversation_id": _conversation,
    "partner_id": _legal_partner,
    "counsel_referral_id": _counsel_referral,
    "pack_item_id": _pack_item,
    "traveller_id": _traveller,
}

# Values for string parameters, which never name an object of an organisation.
STRING_VALUES: dict[str, str] = {
    "section": "defender",
    "kind": "consent",
    "language": "ar",
    "table": "cases-by-status",
}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: URLPattern
    uuid_parameters: tuple[str, ...]
    string_parameters: tuple[str, ...]

    def __str__(self) -> str:
        return self.name

    def url(self, organisation: Organisation, member: User) -> str:
        kwargs: dict[str, object] = {}
        for parameter in self.uuid_parameters:
            if parameter not in OBJECT_FACTORIES:
                raise AssertionError(
                    f"{self.name}: no object factory for <uuid:{parameter}>; "
                    "register one in tests/web/url_walk.py"
                )
            kwargs[parameter] = OBJECT_FACTORIES[parameter](organisation, member)
        for parameter in self.string_parameters:
            kwargs[parameter] = STRING_VALUES.get(parameter, "x")
        return reverse(self.name, kwargs=kwargs)


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str, converters: dict[str, object]
) -> Iterator[Route]:
    for entry in patterns:
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, found)
            continue
        unknown = [
            name
            for name, converter in found.items()
            if not isinstance(converter, UUIDConverter | StringConverter)
        ]
        if unknown:
            raise AssertionError(
                f"{entry.name}: object ids in URLs must be <uuid:...> (AZ-02), not {unknown}"
            )
        yield Route(
            name=f"{namespace}{entry.name}",
            pattern=entry,
            uuid_parameters=tuple(n for n, c in found.items() if isinstance(c, UUIDConverter)),
            string_parameters=tuple(n for n, c in found.items() if isinstance(c, StringConverter)),
        )


def all_routes() -> list[Route]:
    """Return every named route of the project, including those added by apps later."""
    return list(_walk(get_resolver().url_patterns, "", {}))

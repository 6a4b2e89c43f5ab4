"""
The per-request reads compiled once per process (issue 17) answer each request with its own
values: the session's row, its account, its device and its memberships (AUTH-03, SESS-03).
"""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts import signin, totp
from haven.accounts.acting import SYSTEM
from haven.accounts.backends import AccountBackend
from haven.accounts.compiled import CompiledValues, _uuid_from_text, stored_uuids, uuid_text
from haven.accounts.models import LoginSession
from haven.accounts.services import organisation_create
from haven.organisations.models import Organisation, Role
from tests.conftest import make_member, sign_in


def test_the_backend_reads_each_account_and_refuses_inactive_and_malformed_ones(
    caseworker, coordinator
):
    backend = AccountBackend()
    coordinator.is_active = False
    coordinator.save()

    assert backend.get_user(str(caseworker.pk)) == caseworker
    assert backend.get_user(caseworker.pk) == caseworker
    assert backend.get_user(str(coordinator.pk)) is None
    assert backend.get_user("not-an-id") is None
    assert backend.get_user(str(caseworker.pk + coordinator.pk + 1000)) is None


def test_each_session_reaches_its_own_account_and_organisation(organisation, other_organisation):
    ours = make_member(organisation, Role.CASEWORKER, "compiled.ours")
    theirs = make_member(other_organisation, Role.CASEWORKER, "compiled.theirs")
    our_client, their_client = Client(), Client()
    sign_in(our_client, ours)
    sign_in(their_client, theirs)

    for client, user, org in (
        (our_client, ours, organisation),
        (their_client, theirs, other_organisation),
    ):
        response = client.get(reverse("accounts:security"))
        assert response.status_code == 200
        assert response.wsgi_request.user == user
        assert response.wsgi_request.organisation == org


def test_a_session_ended_elsewhere_is_refused_on_its_next_request(client, caseworker):
    login_session = sign_in(client, caseworker)
    assert client.get(reverse("web:dashboard")).status_code == 200

    LoginSession.objects.filter(pk=login_session.pk).update(ended_at=timezone.now())

    assert client.get(reverse("web:dashboard")).status_code == 302


def test_a_session_whose_row_is_gone_is_signed_out(client, caseworker):
    sign_in(client, caseworker)
    Session.objects.filter(session_key=client.session.session_key).delete()

    assert client.get(reverse("web:dashboard")).status_code == 302


def test_another_accounts_device_in_the_session_is_no_second_factor(
    client, caseworker, coordinator
):
    """The device read by its persistent id must still be the account's own (AUTH-03)."""
    sign_in(client, caseworker)
    session = client.session
    session["otp_device_id"] = totp.confirmed_device(coordinator).persistent_id
    session.save()

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == signin.second_factor_entry_url(caseworker)


READ_ORGANISATIONS = CompiledValues(
    lambda slug, organisations: (
        Organisation.objects.filter(pk__in=organisations)
        .exclude(slug=slug)
        .order_by("slug")
        .values_list("id", "slug", "created_at")
    ),
    slug="stand-in-slug",
    organisations=[uuid.UUID(int=1)],
)


def test_compiled_values_answer_each_list_as_the_orm_does(organisation, other_organisation):
    third = organisation_create(membership=SYSTEM, slug="east-wind", name="East Wind (fictional)")
    ours = {organisation.pk, other_organisation.pk}

    for wanted, left_out in (
        ([organisation.pk], "none"),
        ([third.pk, organisation.pk, third.pk], "none"),
        ({organisation.pk, other_organisation.pk, third.pk}, "east-wind"),
        (ours, other_organisation.slug),
    ):
        expected = list(
            Organisation.objects.filter(pk__in=wanted)
            .exclude(slug=left_out)
            .order_by("slug")
            .values_list("id", "slug", "created_at")
        )
        assert expected
        assert READ_ORGANISATIONS(slug=left_out, organisations=wanted) == expected
        assert isinstance(expected[0][0], uuid.UUID)


@pytest.mark.parametrize(
    "text",
    [
        "ffaf59afd82a45d49f1c4ffddfb066fd",
        "FFAF59AFD82A45D49F1C4FFDDFB066FD",
        "ffffffffffffffffffffffffffffffff",
        "00000000000000000000000000000000",
        "ffaf59af-d82a-45d4-9f1c-4ffddfb066fd",
        "{ffaf59afd82a45d49f1c4ffddfb066f}",
        "urn:uuid:ffaf59afd82a45d49f1c4ffd",
        "0x" + "1" * 30,
        "+" + "f" * 31,
        "-" + "f" * 31,
        " " + "a" * 31,
        "1_" + "2" * 30,
        "g" * 32,
        "f" * 31,
        "",
    ],
)
def test_the_sqlite_uuid_conversion_gives_what_uuid_gives(text):
    try:
        expected: object = uuid.UUID(text)
    except ValueError as error:
        with pytest.raises(ValueError, match=str(error).replace("(", r"\(")[:20]):
            _uuid_from_text(text, None, None)
        return
    converted = _uuid_from_text(text, None, None)
    assert converted == expected and type(converted) is uuid.UUID
    assert (str(converted), hash(converted), converted.is_safe) == (
        str(expected),
        hash(expected),
        uuid.SafeUUID.unknown,
    )
    assert _uuid_from_text(None, None, None) is None


READ_ORGANISATIONS_AS_STORED = CompiledValues(
    lambda organisations: (
        Organisation.objects.filter(pk__in=organisations)
        .order_by("slug")
        .values_list("id", "slug", "created_at")
    ),
    as_stored=("id",),
    organisations=[uuid.UUID(int=1)],
)


def test_a_column_read_as_stored_is_the_database_value_and_names_its_row(
    organisation, other_organisation
):
    wanted = [organisation.pk, other_organisation.pk]
    expected = list(
        Organisation.objects.filter(pk__in=wanted)
        .order_by("slug")
        .values_list("id", "slug", "created_at")
    )

    read = READ_ORGANISATIONS_AS_STORED(organisations=wanted)

    assert [row[1:] for row in read] == [row[1:] for row in expected]
    assert [row[0] for row in read] == stored_uuids(row[0] for row in expected)
    assert [uuid_text(row[0]) for row in read] == [str(row[0]) for row in expected]


def test_uuid_text_writes_what_str_of_the_uuid_writes():
    for value in (uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)):
        assert uuid_text(value) == uuid_text(value.hex) == str(value)
        assert uuid_text(value.hex.upper()) == str(value)


def test_a_column_read_as_stored_must_be_read():
    with pytest.raises(ValueError, match="read as stored"):
        CompiledValues(
            lambda organisations: Organisation.objects.filter(pk__in=organisations).values_list(
                "slug"
            ),
            as_stored=("id",),
            organisations=[uuid.UUID(int=1)],
        )(organisations=[uuid.uuid4()])


def test_compiled_values_read_nothing_for_an_empty_list(organisation):
    assert READ_ORGANISATIONS(slug="none", organisations=[]) == []
    assert READ_ORGANISATIONS(slug="none", organisations=[uuid.uuid4()]) == []


def test_compiled_values_refuse_a_stand_in_missing_from_the_query():
    read = CompiledValues(
        lambda organisations: Organisation.objects.values_list("id"),
        organisations=[uuid.UUID(int=1)],
    )
    with pytest.raises(ValueError):
        read(organisations=[uuid.UUID(int=2)])


def _members_read():
    from haven.accounts.compiled import CompiledRead
    from haven.organisations.models import Membership

    def query(*, organisation):
        return (
            Membership.objects.filter(organisation_id=organisation)
            .select_related("user")
            .order_by("pk")
        )

    return CompiledRead(query, organisation=uuid.UUID(int=7))


def test_compiled_instances_are_the_ones_the_orm_builds(organisation, coordinator, caseworker):
    from haven.organisations.models import Membership

    read = _members_read()
    compiled = read(organisation=organisation.pk)
    built = list(
        Membership.objects.filter(organisation_id=organisation.pk)
        .select_related("user")
        .order_by("pk")
    )

    assert len(compiled) == len(built) == 2
    for ours, django in zip(compiled, built, strict=True):
        assert type(ours) is Membership
        assert ours._state.adding is False
        assert ours._state.db == "default"
        assert ours.get_deferred_fields() == set()
        for field in Membership._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(django, field.attname), field.name
        assert Membership.user.is_cached(ours)
        assert ours.user == django.user
        ours.save()  # an update of the row read, not an insert


def test_a_compiled_instance_still_loads_a_deferred_column(organisation, caseworker):
    from haven.accounts.compiled import CompiledRead
    from haven.organisations.models import Membership

    def query(*, organisation):
        return Membership.objects.filter(organisation_id=organisation).defer("role")

    (member,) = CompiledRead(query, organisation=uuid.UUID(int=7))(organisation=organisation.pk)

    assert member.get_deferred_fields() == {"role"}
    assert member.role == Role.CASEWORKER


def test_an_init_receiver_still_sees_each_compiled_instance(organisation, caseworker):
    """Instances are built without ``__init__`` only while no one listens to its signals."""
    from django.db.models.signals import post_init

    from haven.organisations.models import Membership

    seen = []
    post_init.connect(
        lambda sender, instance, **kwargs: seen.append(instance),
        sender=Membership,
        weak=False,
        dispatch_uid="test_compiled_reads",
    )
    try:
        (member,) = _members_read()(organisation=organisation.pk)
    finally:
        post_init.disconnect(sender=Membership, dispatch_uid="test_compiled_reads")

    assert seen == [member]

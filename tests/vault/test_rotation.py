"""Rotation is resumable: interrupted anywhere and run again, every record still decrypts (CRY-05)."""

import base64
import os

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from haven.accounts.acting import SYSTEM
from haven.cases.services import note_add
from haven.vault.masterkey import parse_master_key
from haven.vault.models import DataKey, KeyPurpose, KeyState, OrganisationKey
from haven.vault.rotation import destroy_retired_keys, rotate_master, rotate_organisation
from tests.cases.factories import open_canary_case
from tests.vault.records import decrypted_state


@pytest.fixture
def cases(organisation, other_organisation):
    opened = [open_canary_case(organisation, suffix=f" {index}") for index in range(4)]
    opened.append(open_canary_case(other_organisation))
    for case in opened:
        note_add(membership=SYSTEM, case=case, body=f"note for {case.code}")
    return opened


def new_master():
    encoded = base64.b64encode(os.urandom(32)).decode()
    return encoded, parse_master_key(encoded, source="test")


@hypothesis_settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stop_after=st.integers(min_value=1, max_value=9),
    slice_size=st.integers(min_value=1, max_value=4),
)
def test_organisation_rotation_interrupted_then_rerun(cases, organisation, stop_after, slice_size):
    """A rotation stopped after any number of keys and resumed in slices loses no record."""
    before = decrypted_state()

    first = rotate_organisation(
        organisation=organisation, max_rows=stop_after, batch_size=slice_size
    )
    assert decrypted_state() == before
    report = first
    while not report.finished:
        report = rotate_organisation(organisation=organisation, batch_size=slice_size)
        assert report.version == first.version

    assert decrypted_state() == before
    assert set(
        DataKey.objects.filter(organisation=organisation).values_list(
            "organisation_key__version", flat=True
        )
    ) == {first.version}


def test_rerun_after_finishing_starts_a_new_version(cases, organisation):
    """A finished rotation run again rotates once more; older versions are retired, not lost."""
    before = decrypted_state()
    first = rotate_organisation(organisation=organisation)
    second = rotate_organisation(organisation=organisation)

    assert second.version == first.version + 1
    assert decrypted_state() == before
    states = dict(
        OrganisationKey.objects.filter(
            organisation=organisation, purpose=KeyPurpose.DATA
        ).values_list("version", "state")
    )
    assert states[second.version] == KeyState.ACTIVE
    assert states[first.version] == KeyState.RETIRED


@pytest.mark.parametrize("stop_after", [1, 2, 3, 5])
def test_master_rotation_interrupted_then_rerun(cases, settings, stop_after):
    """A master rotation cut short and rerun leaves every record readable under the new key alone."""
    before = decrypted_state()
    encoded, master = new_master()

    old = settings.HAVEN_MASTER_KEY
    partial = rotate_master(new_master=master, max_rows=stop_after)
    settings.HAVEN_MASTER_KEY = f"{old}\n{encoded}"  # the running server reads under both meanwhile
    assert decrypted_state() == before
    assert partial.rewrapped == min(stop_after, partial.rewrapped + partial.remaining)
    rotate_master(new_master=master)
    settings.HAVEN_MASTER_KEY = encoded

    assert decrypted_state() == before
    assert set(OrganisationKey.objects.values_list("master_key_id", flat=True)) == {master.key_id}


def test_old_master_alone_no_longer_opens_anything(cases, settings):
    """After a master rotation the old key opens no organisation key."""
    from haven.vault.errors import UnknownMasterKeyError

    _encoded, master = new_master()
    rotate_master(new_master=master)

    with pytest.raises(UnknownMasterKeyError):
        decrypted_state()


def test_destroying_retired_keys_keeps_live_records(cases, organisation):
    """Once every data key moved on, the retired version is destroyed and records still decrypt."""
    from django.utils import timezone

    before = decrypted_state()
    rotate_organisation(organisation=organisation)

    assert destroy_retired_keys(organisation=organisation, retired_before=timezone.now()) == 1
    assert decrypted_state() == before
    assert (
        OrganisationKey.objects.filter(
            organisation=organisation, state=KeyState.DESTROYED, wrapped__isnull=True
        ).count()
        == 1
    )

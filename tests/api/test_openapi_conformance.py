"""
The API tested from its own OpenAPI schema (issue 16): Schemathesis generates calls for every
operation, valid and not, with a real token of a coordinator who has cases, and checks that no
answer is a 5xx and that every answer matches the schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.cases.factories import assigned_case


@pytest.fixture
def coordinator_token(organisation, coordinator, make_token):
    assigned_case(organisation, coordinator, suffix="schemathesis")
    return make_token(coordinator, scopes=("cases:read", "records:write", "reports:read"))


@pytest.fixture
def connection_kept_across_requests():
    """
    Schemathesis calls the bare WSGI handler, which closes the database connection after each
    request; Django's own test client switches that off, and so must this test, or PostgreSQL
    would lose the test's transaction between two calls.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_conforms_and_never_fails_on_the_server(
    coordinator_token, connection_kept_across_requests
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {coordinator_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def conforms(case):
            case.call_and_validate(headers=headers)

        conforms()

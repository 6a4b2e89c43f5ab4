"""
The lifecycle machine names the roles that may move a case in the domain's own vocabulary, and
the services hand it ``membership.role`` as stored: every role the machine knows must therefore be
a membership role, spelt the same, or a move the machine allows would be refused.
"""

from haven.domain.lifecycle.states import Role as LifecycleRole
from haven.organisations.models import Role


def test_every_lifecycle_role_is_a_membership_role():
    assert {role.value for role in LifecycleRole} <= set(Role.values)


def test_a_membership_role_stored_as_text_is_the_lifecycle_role_of_the_same_name():
    for role in LifecycleRole:
        assert Role[role.name] == role

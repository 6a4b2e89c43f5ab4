"""Every Haven app is configured by its own ``apps.py`` class, so its start-up steps run."""

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

from haven.organisations.app_config import HavenAppConfig
from haven.organisations.models import Role
from haven.organisations.policy import ROLE_PERMISSIONS, Permission

HAVEN_APPS = [name for name in settings.INSTALLED_APPS if name.startswith("haven.")]


def test_each_haven_app_uses_its_own_config_not_the_imported_base():
    """Django picks the subclass though ``apps.py`` imports the base too (no silent plain AppConfig)."""
    for name in HAVEN_APPS:
        config = apps.get_app_config(name.rpartition(".")[2])
        assert isinstance(config, HavenAppConfig), name
        assert type(config) is not HavenAppConfig, name
        assert type(config).__module__ == f"{name}.apps"
        assert config.name == name


def test_every_declared_start_up_step_names_a_function():
    for config in apps.get_app_configs():
        for step in getattr(config, "installs", ()):
            assert callable(import_string(step)), step


def test_declared_steps_ran():
    """The programmes app's declared policy step granted its permissions at start-up."""
    assert Permission.RUN_MATCHING in ROLE_PERMISSIONS[Role.COORDINATOR]

"""
The base of every Haven app's configuration: an app declares what it plugs in at start-up.

Apps extend shared tables once Django has loaded every model (permissions and object rules in
``haven.organisations.policy``, case-page panels, form fields, template helpers). Each app lists
those steps in ``installs`` as dotted paths of functions taking no arguments, and the modules that
register themselves when imported in ``registering_modules``; ``ready()`` imports the modules, then
runs the steps, in the order declared. The paths are resolved only then because the modules they
name import models, which Django forbids while it is still reading the apps.
"""

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.utils.module_loading import import_string

APPS_MODULE_SUFFIX = ".apps"


class HavenAppConfig(AppConfig):
    """
    An app at ``haven.<label>``, configured in its package's ``apps.py``.

    The name is the package's, so an app states only what differs (its verbose name and its
    start-up steps). Django picks an app's configuration from the classes its ``apps.py`` holds,
    the imported base among them: the base declares itself no default and every subclass a default,
    so each ``apps.py`` still has exactly one.
    """

    default = False
    registering_modules: tuple[str, ...] = ()
    installs: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = cls.__dict__.get("default", True)
        cls.name = cls.__dict__.get("name", cls.__module__.removesuffix(APPS_MODULE_SUFFIX))

    def ready(self) -> None:
        for module in self.registering_modules:
            import_module(module)
        for step in self.installs:
            import_string(step)()

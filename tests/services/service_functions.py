"""The public service functions, found by discovery, for the tests that pin a rule on all of them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator

import rso_manager.services as services_package


def service_functions() -> Iterator[tuple[str, Callable]]:
    """("notifications.take_notification", fn) for every function a service module defines,
    a package's (services/notifications/) from all its modules, named by the package."""
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"rso_manager.services.{info.name}")
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [importlib.import_module(f"{module.__name__}.{sub.name}")
                        for sub in pkgutil.iter_modules(module.__path__)]
        for each in modules:
            for name, fn in inspect.getmembers(each, inspect.isfunction):
                if fn.__module__ == each.__name__:
                    yield f"{info.name}.{name}", fn

"""The environment variables each process reads, taken from its settings classes,
so that deployment files can be checked against the code rather than a list."""

from __future__ import annotations

import importlib

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from services.common.tracing import TracingSettings


def settings_of(service: str) -> list[type[BaseSettings]]:
    """The settings classes `python -m services.<service>` builds: those its entry
    module imports, and OpenTelemetry's, which `configure_tracing` reads itself."""
    module = importlib.import_module(f"services.{service}.__main__")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, BaseSettings) and value is not BaseSettings
    ]
    return [*found, TracingSettings]


def _names(settings: type[BaseSettings]) -> set[str]:
    prefix = str(settings.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for field_name, field in settings.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseSettings):
            names |= _names(nested)
        elif isinstance(field.validation_alias, AliasChoices):
            names |= {str(choice) for choice in field.validation_alias.choices}
        elif isinstance(field.validation_alias, str):
            names.add(field.validation_alias)
        else:
            names.add(prefix + field_name)
    return {name.upper() for name in names}


def read_by(service: str) -> frozenset[str]:
    """Every variable `service` reads (names are case-insensitive; upper here)."""
    names: set[str] = set()
    for settings in settings_of(service):
        names |= _names(settings)
    return frozenset(names)

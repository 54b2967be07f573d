"""Site engines: the program that turns the core's pages into the finished HTML site.

The core names no engine and imports none. An engine is a module (or any object) with

    build(config_file: Path, site_dir: Path, production: bool) -> bool

– one clean build of the site into ``site_dir`` (a new, empty folder that publish.py swaps in), True
when it succeeded – registered under the entry-point group ``stadtteil.engines`` by the package that
brings it (this one registers ``mkdocs = "stadtteil.mkdocs_adapter.engine"`` in pyproject.toml).
``stadtteil build`` takes the engine the site's configuration names (option ``engine`` of the
``stadtteil`` plugin, default ``mkdocs``), loads it only then, and publishes what it built.
``register`` adds one in-process (tests, or a program that embeds the core).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

GROUP = "stadtteil.engines"
DEFAULT = "mkdocs"

_registered: dict[str, Any] = {}


class Engine(Protocol):
    def build(self, config_file: Path, site_dir: Path, production: bool) -> bool: ...


class EngineError(Exception):
    """The configured engine is not there; its text is the German message."""


def register(name: str, engine: Engine) -> None:
    _registered[name] = engine


def names() -> list[str]:
    """Every engine this installation knows."""
    return sorted(set(_registered) | {point.name for point in entry_points(group=GROUP)})


def load(name: str, config_file: str = "mkdocs.yml") -> Engine:
    """The engine called ``name``, imported now (not before a build needs it)."""
    if name in _registered:
        return _registered[name]
    for point in entry_points(group=GROUP, name=name):
        return point.load()
    known = ", ".join(names()) or "keine"
    raise EngineError(f"{config_file}: Die Website-Maschine „{name}“ (Option „engine“ des Plugins „stadtteil“) ist "
                      f"nicht installiert. Installiert: {known}. Tragen Sie eine davon ein (Standard: {DEFAULT}); "
                      "nach einer Änderung an pyproject.toml die Installation erneuern (make).")

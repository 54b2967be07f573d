"""The mkdocs engine: `stadtteil build` runs it through the registry (engines.py; entry point
``stadtteil.engines: mkdocs`` in pyproject.toml), so cli.py names no engine."""

from __future__ import annotations

import os


def run(arguments: list[str]) -> int:
    """Runs the mkdocs command line in this process (a second interpreter would cost its start-up
    and imports on every build) and returns its exit status."""
    # The end-of-life banner of Material is for developers, not for staff reading the build output.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.__main__ import cli
    try:
        cli.main(args=arguments, prog_name="mkdocs", standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def build(config_file, site_dir, strict: bool) -> bool:
    """One clean build of the site into ``site_dir``; True when it succeeded."""
    arguments = ["build", "--clean", "--config-file", str(config_file), "--site-dir", str(site_dir)]
    if strict:
        arguments.append("--strict")
    return run(arguments) == 0

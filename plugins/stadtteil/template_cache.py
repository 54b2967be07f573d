"""Compiled templates, kept between builds like Python keeps its compiled modules.

Engine-agnostic. Compiling Jinja templates costs a build's process about 0.3 s (the 17 page templates
and the theme's 43, measured at 1×: a tenth of what a cold build costs beyond the engine's own work).
The source does not change between builds, so the compiled code is kept in the user's cache folder
(``$XDG_CACHE_HOME/stadtteil``, else ``~/.cache/stadtteil``) and loaded from there. Within one process
every environment shares the same store: the six languages compile each template once.

What may go to disk: only templates of installed software (this package, the theme the engine adapter
registers with ``trust``). A project's own template overrides are input of that project: compiled, they
stay in memory and are never written outside the repository.

Why it is safe to load: compiled code is executed, so the folder must be the user's own (owned by them,
writable by no one else, not a symbolic link), else nothing is read or written there. A file is found by
its template's path and by everything that changes the compiled code (Jinja's version and options, the
environment's extensions, filters and tests); Jinja itself compares the source's checksum and Python's
version before it uses one. A damaged file is compiled again; a file that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile

import jinja2
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def default_folder() -> str | None:
    """The folder for compiled templates, after the XDG base directory specification (a relative
    XDG_CACHE_HOME is ignored); None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    version = f"jinja{jinja2.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}"
    return os.path.join(base, "stadtteil", "vorlagen", version)


def _usable(folder: str) -> bool:
    """Creates ``folder`` for this user only; True if it is a real folder of this user that no one else
    may write to."""
    if not hasattr(os, "getuid"):
        return False   # no owners to compare (Windows): memory only
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _name(value) -> str:
    return getattr(value, "__qualname__", None) or type(value).__qualname__


def fingerprint(env: jinja2.Environment) -> str:
    """Everything of ``env`` that changes the code a template compiles to."""
    settings = (
        jinja2.__version__, sys.version,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.optimized, env.is_async, _name(env.autoescape) if callable(env.autoescape) else env.autoescape,
        _name(env.finalize) if env.finalize else None, getattr(env, "newstyle_gettext", None),
        sorted(env.extensions), sorted(env.filters), sorted(env.tests),
        sorted((key, repr(value)) for key, value in env.policies.items() if key.startswith(("compiler.", "ext."))),
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


_DEFAULT = object()   # the folder of default_folder(), looked up when first needed


class TemplateCache(BytecodeCache):
    """Compiled templates: in memory for every environment of the process, and of trusted templates
    on disk in ``folder`` (None: memory only; by default ``default_folder()``, found at first use)."""

    def __init__(self, folder: str | None | object = _DEFAULT) -> None:
        self._store: dict[str, bytes] = {}
        self._trusted: set[str] = {_PACKAGE}
        self._trusted_files: dict[str, bool] = {}   # by template file: each is looked up once
        self._folder = folder
        self._checked: bool | None = None

    def trust(self, folder: str) -> None:
        """Templates under ``folder`` (an installed theme) may be kept on disk."""
        self._trusted.add(os.path.realpath(folder))
        self._trusted_files.clear()

    def _is_trusted(self, filename: str | None) -> bool:
        if not filename:
            return False
        if filename not in self._trusted_files:
            path = os.path.realpath(filename)
            self._trusted_files[filename] = any(path.startswith(root + os.sep) for root in self._trusted)
        return self._trusted_files[filename]

    def _disk(self) -> str | None:
        """The folder, once it was found usable (checked once per process)."""
        if self._folder is _DEFAULT:
            self._folder = default_folder()
        if self._folder is None:
            return None
        if self._checked is None:
            self._checked = _usable(self._folder)
        return self._folder if self._checked else None

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        # The key names the template and how it compiles; the source's checksum is Jinja's own test.
        key = self.get_cache_key(name, filename) + "-" + fingerprint(environment)
        if self._is_trusted(filename):
            key = "disk-" + key
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        folder = self._disk() if data is None and bucket.key.startswith("disk-") else None
        if folder is not None:
            data = _read(os.path.join(folder, bucket.key))
        if data is not None:
            # A damaged or outdated entry leaves the bucket empty (Jinja checks magic, Python version and
            # checksum): the template is compiled and the entry replaced.
            bucket.bytecode_from_string(data)
            if bucket.code is not None:
                self._store[bucket.key] = data

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        self._store[bucket.key] = data
        folder = self._disk() if bucket.key.startswith("disk-") else None
        if folder is not None:
            _write(folder, bucket.key, data)

    def clear(self) -> None:
        self._store.clear()


def _read(path: str) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError:
            return None


def _write(folder: str, key: str, data: bytes) -> None:
    """Whole or not at all: another build may read the entry at the same moment."""
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".schreiben-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, os.path.join(folder, key))
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


# One for the process: the page templates (pages.py) and the engine's theme share it.
TEMPLATES = TemplateCache()

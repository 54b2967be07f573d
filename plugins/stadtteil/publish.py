"""Publishing a finished build: one build at a time per site folder, and never a moment without a
complete site folder.

Engine-agnostic: ``publish`` is handed a function that builds the whole site into a folder.

- Builds of the same site folder take turns: an ``flock`` on ``.<site>.lock`` beside the site folder.
  The kernel drops the lock when its process ends, however it ends, so a crashed build never
  leaves a lock behind; a second build waits (bounded) instead of deleting the first one's work.
- The new site is built into ``<site>.new`` and exchanged with the published folder in one step
  (``renameat2(RENAME_EXCHANGE)``, Linux). Where the file system cannot exchange, two renames are
  used and a crash between them is repaired by the next build: the previous site waits in
  ``<site>.old`` and is put back before anything else happens.
- Leftovers of a crashed build are removed at the next start (under the lock).
- File system faults (disk full, read-only, no permission) become one German message; the
  unfinished staging folder is removed and the previous site stays as it was.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

LOCK_WAIT_SECONDS = 600


class PublishError(Exception):
    """A reason this build cannot publish, in plain German."""


@dataclass(frozen=True)
class Folders:
    site: Path

    @property
    def staging(self) -> Path:      # the build being made
        return self.site.with_name(self.site.name + ".new")

    @property
    def retired(self) -> Path:      # the previous complete site, between the two renames of the fallback
        return self.site.with_name(self.site.name + ".old")

    @property
    def trash(self) -> Path:        # anything on its way out; may be incomplete
        return self.site.with_name(self.site.name + ".weg")

    @property
    def lock(self) -> Path:
        return self.site.with_name("." + self.site.name + ".lock")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the lock ----------------------------------------------------------------------------------

def _lock_wait() -> float:
    # Tests and impatient pipelines may shorten the wait (seconds).
    try:
        return float(os.environ.get("STADTTEIL_LOCK_WAIT", LOCK_WAIT_SECONDS))
    except ValueError:
        return LOCK_WAIT_SECONDS


def _minutes(seconds: float) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} Minuten"
    return "1 Sekunde" if round(seconds) == 1 else f"{round(seconds)} Sekunden"


def acquire(folders: Folders, say: Callable[[str], None] = _say) -> int:
    """The lock's file descriptor (closing it releases the lock); waits for another build."""
    try:
        folders.site.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(folders.lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        try:
            # A read-only folder still allows a lock on an existing lock file; the build then
            # reports the read-only folder itself.
            fd = os.open(folders.lock, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            raise PublishError(describe(exc, folders)) from None
    wait = _lock_wait()
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if told:
                say("Der andere Bau ist fertig; dieser Bau beginnt jetzt.")
            return fd
        except BlockingIOError:
            if not told:
                say(f"Ein anderer Bau schreibt gerade in „{folders.site.name}/“. Dieser Bau wartet, bis er fertig "
                    f"ist (höchstens {_minutes(wait)}).")
                told = True
            if time.monotonic() >= deadline:
                os.close(fd)
                raise PublishError(
                    f"Der andere Bau von „{folders.site.name}/“ läuft seit über {_minutes(wait)}; dieser Bau wurde "
                    "abgebrochen und hat nichts verändert. Warten Sie, bis der andere Bau fertig ist, und starten "
                    "Sie diesen dann noch einmal. Hängt der andere Bau, beenden Sie ihn (Fenster schließen oder "
                    "Strg+C); seine Reste räumt der nächste Bau selbst auf.") from None
            time.sleep(0.1)


# --- crash leftovers -------------------------------------------------------------------------------

def _discard(folder: Path, folders: Folders) -> None:
    """Removes a folder; renamed first, so a crash halfway never leaves a half folder under a name
    that means "complete" (``retired``)."""
    if not os.path.lexists(folder):
        return
    if folder != folders.trash:
        shutil.rmtree(folders.trash, ignore_errors=True)
        os.rename(folder, folders.trash)
    shutil.rmtree(folders.trash)


def recover(folders: Folders) -> list[str]:
    """Repairs what a crashed build left (call under the lock); notes in German for the output."""
    notes = []
    if not os.path.lexists(folders.site) and folders.retired.is_dir():
        os.rename(folders.retired, folders.site)
        notes.append(f"Ein abgebrochener Bau hatte „{folders.site.name}/“ schon beiseitegelegt; die vorherige "
                     "vollständige Fassung ist wieder veröffentlicht.")
    left = [f.name for f in (folders.staging, folders.retired, folders.trash) if os.path.lexists(f)]
    for folder in (folders.staging, folders.retired, folders.trash):
        _discard(folder, folders)
    if left:
        notes.append("Reste eines abgebrochenen Baus entfernt: " + ", ".join(left) + ".")
    return notes


# --- the swap ------------------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> None:
    """Swaps two folders in one step; OSError(EINVAL/ENOSYS/…) where the system cannot."""
    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "renameat2 only on Linux")
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:          # glibc before 2.28, musl
        raise OSError(errno.ENOSYS, "renameat2 missing")
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a))


_CANNOT_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def swap(folders: Folders, can_exchange: bool = True) -> Path | None:
    """Puts the complete staging folder in place of the site; the previous site stays complete
    under one of the two names until the new one is there. Returns where the previous site is now
    (to be discarded), None if there was none."""
    if not os.path.lexists(folders.site):
        os.rename(folders.staging, folders.site)
        return None
    if can_exchange:
        try:
            exchange(folders.staging, folders.site)
        except OSError as exc:
            if exc.errno not in _CANNOT_EXCHANGE:
                raise
        else:
            return folders.staging
    # Fallback: ``retired`` is complete whenever it exists, and ``recover`` puts it back.
    os.rename(folders.site, folders.retired)
    try:
        os.rename(folders.staging, folders.site)
    except OSError:
        os.rename(folders.retired, folders.site)
        raise
    return folders.retired


# --- messages ------------------------------------------------------------------------------------

def describe(exc: OSError, folders: Folders) -> str:
    """A file system fault in plain German: what happened, where, and what to do."""
    # A failed copy names its source first and its target second; the target is where space or rights lack.
    where = getattr(exc, "filename2", None) or exc.filename or folders.staging
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (f"Auf dem Datenträger ist kein Platz mehr (beim Schreiben von „{where}“). Schaffen Sie Platz – "
                "zum Beispiel alte Dateien löschen oder den Ordner „.cache“ des Projekts – und bauen Sie dann neu. "
                "Der Bau braucht etwa so viel freien Platz, wie die fertige Website groß ist.")
    if code == errno.EROFS:
        return (f"Der Ordner „{folders.site.parent}“ ist schreibgeschützt (nur lesbar eingebunden): „{where}“ "
                "kann nicht geschrieben werden. Bauen Sie in einen beschreibbaren Ordner (stadtteil build -d "
                "ORDNER) oder lassen Sie den Ordner beschreibbar einbinden.")
    if code in (errno.EACCES, errno.EPERM):
        return (f"Keine Schreibrechte für „{where}“. Der Bau muss im Ordner „{folders.site.parent}“ Ordner "
                "anlegen, umbenennen und löschen dürfen. Bitten Sie die Person, die den Server betreut, um diese "
                "Rechte, oder bauen Sie in einen anderen Ordner (stadtteil build -d ORDNER).")
    return (f"Fehler beim Schreiben oder Lesen von „{where}“: {exc.strerror or exc}. Prüfen Sie den Datenträger "
            "und bauen Sie dann neu.")


def published(folders: Folders) -> str:
    """What visitors see now, for the last line of a failed build."""
    index = folders.site / "index.html"
    if not index.is_file():
        return f"Veröffentlicht ist nichts: „{folders.site.name}/“ gab es noch nicht."
    from .calendars.schedule import TZ
    built = dt.datetime.fromtimestamp(index.stat().st_mtime, TZ)
    return (f"Veröffentlicht bleibt die bisherige Fassung in „{folders.site.name}/“ "
            f"(gebaut am {built:%d.%m.%Y um %H:%M} Uhr), unverändert.")


# --- the whole step ------------------------------------------------------------------------------

def publish(site: Path, build_into: Callable[[Path], bool], say: Callable[[str], None] = _say) -> bool:
    """Builds (``build_into(folder)`` is True when the complete site is in ``folder``) and publishes
    it as ``site``. Every outcome is told in German through ``say``; True when published."""
    folders = Folders(site)
    try:
        fd = acquire(folders, say)
    except PublishError as problem:
        say(f"{problem}\n\nDie Website wurde NICHT gebaut. {published(folders)}")
        return False
    swapped = False
    try:
        for note in recover(folders):
            say(f"Hinweis: {note}")
        folders.staging.mkdir()
        if not build_into(folders.staging) or not (folders.staging / "index.html").is_file():
            say(f"\nDie Website wurde NICHT gebaut. {published(folders)}")
            return False
        previous = swap(folders)
        swapped = True
        if previous is not None:
            try:
                _discard(previous, folders)
            except OSError:
                pass  # published all the same; the next build removes it
        return True
    except OSError as exc:
        say(f"\n{describe(exc, folders)}\n\nDie Website wurde NICHT gebaut. {published(folders)}")
        return False
    except KeyboardInterrupt:
        say(f"\nAbgebrochen (Strg+C). Die Website wurde NICHT gebaut. {published(folders)}")
        return False
    finally:
        if not swapped:
            shutil.rmtree(folders.staging, ignore_errors=True)
        os.close(fd)

"""Every file the build reads or publishes comes from inside the repository, as a plain file.

A symbolic link looks like an ordinary file in Git web editors, and mkdocs copies whatever it
points to: a link in ``content/`` to ``/proc/self/environ`` published a CI runner's job tokens, a
link in ``offers/`` to a YAML file elsewhere became an offer page. So before anything is read, the
data folders, the Markdown folder and the files the configuration names are walked without
following links, and every link is refused.

Why every link, also one that stays inside the repository: such a link can still publish what
must never be (``content/x.yml`` → ``../consent/withdrawn.yml``, or ``.git/config``, which holds the
token of a CI checkout; a link to a folder such as ``..`` publishes the whole repository); Windows
checkouts turn links into small text files, so the site would differ by machine; and staff never
need one: a copy of the file does the same. Plain German messages say which file and what to do,
never where an outside link points (that alone can tell more than it should).

Engine-agnostic: ``loader.py`` checks the data folders, the mkdocs adapter and ``stadtteil check``
check the Markdown folder and the files named in the configuration (``site_inputs``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterable

from .errors import DataError

DATA_FOLDERS = ("offers", "events", "partners", "helplines", "consent", "media")
DATA_FILES = ("office.yml",)
# Far above any page staff write by hand (the longest in this repository has a few kB); a bigger one
# is a pasted export or an embedded image, and makes every build and every browser slow.
MAX_MARKDOWN_BYTES = 1_000_000

_LINK = "Diese Datei ist eine Verknüpfung (symbolischer Link)"
_LINK_FOLDER = "Dieser Ordner ist eine Verknüpfung (symbolischer Link)"
_NO_LINKS = "sie wird nicht gelesen und nicht veröffentlicht."
_REPLACE = ("Löschen Sie die Verknüpfung und legen Sie an ihrer Stelle die Datei selbst (eine Kopie) ab. "
            "Verknüpfungen sind im Git-Editor im Browser nicht zu erkennen und können Dateien veröffentlichen, "
            "die nicht auf die Website gehören.")


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def link_error(root: Path, link: Path, file: str | None = None, line: int | None = None,
               column: int | None = None, field: str = "") -> DataError:
    """The German message for the symbolic link ``link`` (which must be one)."""
    what = _LINK_FOLDER if os.path.isdir(link) else _LINK
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            message = f"{what}, die im Kreis auf sich selbst zeigt; {_NO_LINKS}"
        else:
            message = f"{what} auf eine Datei, die es nicht gibt; {_NO_LINKS}"
        return DataError(file or _display(root, link), line, column, message, _REPLACE, field)
    if target.is_relative_to(root):
        message = f"{what} auf „{_display(root, target)}“; {_NO_LINKS}"
    else:
        # Where it points is not said: the path alone can tell more than it should.
        message = f"{what} auf eine Stelle außerhalb des Projektordners; {_NO_LINKS}"
    return DataError(file or _display(root, link), line, column, message, _REPLACE, field)


def _entry_error(root: Path, path: Path, info: os.stat_result) -> DataError | None:
    if stat.S_ISLNK(info.st_mode):
        return link_error(root, path)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        # A named pipe would make the build wait forever; Git cannot even store one.
        return DataError(_display(root, path), None, None, "Diese Datei ist keine gewöhnliche Datei "
                         "(sondern z. B. eine Pipe oder ein Gerät) und wird nicht gelesen.", "Löschen Sie sie.")
    if (stat.S_ISREG(info.st_mode) and path.suffix.lower() == ".md" and info.st_size > MAX_MARKDOWN_BYTES):
        size = f"{info.st_size / 1_000_000:.1f}".replace(".", ",")
        return DataError(_display(root, path), None, None,
                         f"Die Seite ist mit {size} MB zu groß "
                         f"(höchstens {MAX_MARKDOWN_BYTES // 1_000_000} MB).",
                         "Teilen Sie den Text auf mehrere Seiten auf; Bilder und Dokumente gehören als eigene "
                         "Dateien nach media/ und nicht in den Text.")
    return None


def outside_links(root: Path, folders: Iterable[str | Path], files: Iterable[str] = ()) -> list[DataError]:
    """Every symbolic link (to a file or a folder, broken, looping, inside or outside ``root``),
    special file and oversized Markdown page in ``folders`` and among ``files`` below ``root``."""
    root = Path(root).resolve()
    errors: list[DataError] = []
    for name in [*folders, *files]:
        top = root / name
        try:
            info = os.lstat(top)
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(info.st_mode):
            if (problem := _entry_error(root, top, info)) is not None:
                errors.append(problem)
            continue
        # followlinks=False: a linked folder is listed (and refused) but never entered.
        for directory, dirnames, filenames in os.walk(top, followlinks=False):
            dirnames.sort()
            for entry in sorted(dirnames + filenames):
                path = Path(directory, entry)
                try:
                    info = os.lstat(path)
                except FileNotFoundError:
                    continue
                if (problem := _entry_error(root, path, info)) is not None:
                    errors.append(problem)
    return errors


def outside_root(root: Path, value: str, file: str, line: int | None = None, column: int | None = None,
                 field: str = "", what: str = "Die Datei") -> DataError | None:
    """A file named in data or configuration (``media/foto.jpg``): refused when it lies outside
    ``root`` or when it, or a folder on the way to it, is a symbolic link."""
    root = Path(root).resolve()
    hint = "Legen Sie die Datei in den Ordner media/ und tragen Sie den Weg ab dort ein, zum Beispiel media/logo.svg."
    candidate = root / value
    if Path(value).is_absolute() or not Path(os.path.normpath(candidate)).is_relative_to(root):
        return DataError(file, line, column, f"{what} „{value}“ liegt außerhalb des Projektordners.", hint, field)
    current = root
    for part in Path(os.path.normpath(candidate)).relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            error = link_error(root, current)
            return DataError(file, line, column, f"{what} „{value}“: " + error.message[0].lower() + error.message[1:],
                             error.hint, field)
    return None


def site_inputs(root: Path, docs_dir: Path, options: dict | None, config_file: str = "mkdocs.yml") -> list[DataError]:
    """The Markdown folder (mkdocs copies every file in it, links followed) and the files the
    plugin options name (funding logos, the sign-language video and its poster)."""
    root = Path(root).resolve()
    options = options or {}
    errors: list[DataError] = []
    docs = Path(os.path.normpath(root / docs_dir))
    if not docs.is_relative_to(root):
        errors.append(DataError(config_file, None, None, f"Der Ordner „docs_dir“ ({docs_dir}) liegt außerhalb "
                                "des Projektordners.", "Tragen Sie einen Ordner im Projekt ein, zum Beispiel docs_dir: content."))
    elif docs != root:
        errors += outside_links(root, [docs.relative_to(root)])
    funding = options.get("funding")
    for logo in (funding.get("logos") or []) if isinstance(funding, dict) else []:
        if isinstance(logo, dict) and isinstance(logo.get("file"), str):
            if (problem := outside_root(root, logo["file"], config_file, field="funding",
                                        what=f"Die Logo-Datei (Logo „{logo.get('id', '')}“)")):
                errors.append(problem)
    video = options.get("sign_language_video")
    for key in ("file", "poster"):
        if isinstance(video, dict) and isinstance(video.get(key), str):
            if (problem := outside_root(root, video[key], config_file, field=f"sign_language_video.{key}")):
                errors.append(problem)
    return errors


def open_plain(path: Path) -> int:
    """A file descriptor for ``path``, refusing a symbolic link as the last part (OSError ELOOP):
    what was checked is what is read, also if the file was swapped for a link in between."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))

"""Files nobody should trust: symbolic links out of the repository, alias bombs, endless nesting.

A link in content/ to /proc/self/environ published a CI runner's tokens; an alias bomb ran
`stadtteil check` into gigabytes of memory; 500 levels of brackets ended in a traceback. Each is
now a German message naming the file, from `stadtteil check` and from `stadtteil build` (which then
leaves no site), in bounded time and memory.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stadtteil.cli import collect
from stadtteil.yamlsource import MAX_DEPTH, parse_text

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "mini"
TODAY = dt.date(2026, 12, 2)
SECRET = "stadtteil-test-geheimnis-4711"
OUTSIDE_TITLE = "Fremdes Angebot von außerhalb"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": TODAY.isoformat(), "STADTTEIL_HELPER": "0",
       "STADTTEIL_TEST_SECRET": SECRET}


def copy_fixture(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    return project


def outside(tmp_path: Path) -> Path:
    """A folder next to the project with a valid offer in it: a link to it must not become a page."""
    folder = tmp_path / "outside"
    (folder / "ordner").mkdir(parents=True, exist_ok=True)
    offer = (FIXTURE / "offers" / "naehtreff.yml").read_text(encoding="utf-8")
    offer = offer.replace("title: {de: Nähtreff, en: Sewing club}", f"title: {OUTSIDE_TITLE}")
    assert OUTSIDE_TITLE in offer
    (folder / "fremd.yml").write_text(offer, encoding="utf-8")
    (folder / "ordner" / "geheim.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (folder / "geheim.txt").write_text(SECRET, encoding="utf-8")
    return folder


def run(command: str, project: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "stadtteil.cli", command, "-f", str(project / "mkdocs.yml")]
    if command == "build":
        args += ["-d", str(project / "site")]
    return subprocess.run(args, capture_output=True, text=True, env=ENV, cwd=project, timeout=timeout)


def messages(project: Path) -> dict[str, str]:
    errors, _, _ = collect(project / "mkdocs.yml", TODAY)
    return {e.file: e.message + " " + e.hint for e in errors}


# --- symbolic links: every kind in one project, reported at once --------------------------------

LINKS = {
    # link (relative to the project) → words its message must contain
    "content/hostname.txt": "außerhalb des Projektordners",
    "content/umgebung.txt": "außerhalb des Projektordners",
    "content/geheim.md": "außerhalb des Projektordners",
    "content/ordner": "Dieser Ordner ist eine Verknüpfung",
    "content/kreis-a": "im Kreis",
    "content/kreis-b": "im Kreis",
    "content/weg.md": "die es nicht gibt",
    "offers/fremd.yml": "außerhalb des Projektordners",
    "partners/weg.yml": "die es nicht gibt",
    "events/2026-12-24-kopie.yml": "auf „events/2026-12-05-flohmarkt.yml“",
    "media/logo.svg": "außerhalb des Projektordners",
}
# Files the configuration names: reported at mkdocs.yml as well (the plugin reads its own options).
NAMED = ["Die Logo-Datei (Logo „mags“) „media/logo.svg“: diese Datei ist eine Verknüpfung",
         "Die Datei „../outside/video.mp4“ liegt außerhalb des Projektordners"]


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("links")
    project, folder = copy_fixture(tmp_path), outside(tmp_path)
    os.symlink("/etc/hostname", project / "content/hostname.txt")
    os.symlink("/proc/self/environ", project / "content/umgebung.txt")
    os.symlink(folder / "geheim.txt", project / "content/geheim.md")
    os.symlink(folder / "ordner", project / "content/ordner")
    os.symlink("kreis-b", project / "content/kreis-a")
    os.symlink("kreis-a", project / "content/kreis-b")
    os.symlink(folder / "gibt-es-nicht.md", project / "content/weg.md")
    os.symlink(folder / "fremd.yml", project / "offers/fremd.yml")
    os.symlink("../nirgends.yml", project / "partners/weg.yml")
    # Inside the repository, still refused (see inputs.py for why).
    os.symlink("2026-12-05-flohmarkt.yml", project / "events/2026-12-24-kopie.yml")
    (project / "media").mkdir()
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" '
                                     'height="3"/></svg>', encoding="utf-8")
    os.symlink(folder / "logo.svg", project / "media/logo.svg")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8").replace("- {id: mags,", "- {id: mags, file: media/logo.svg,")
    config += "      sign_language_video: {file: ../outside/video.mp4}\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def assert_nothing_leaked(text: str) -> None:
    hostname = Path("/etc/hostname").read_text().strip()
    # Neither the targets' content nor where the links point (the names of the targets) is printed.
    for secret in (SECRET, OUTSIDE_TITLE, "/etc/hostname", "/proc/self", "geheim.txt", "gibt-es-nicht", "nirgends"):
        assert secret not in text
    if len(hostname) > 3:
        assert hostname not in text
    assert "Traceback" not in text


def test_check_names_every_link_in_german(linked):
    errors, _, _ = collect(linked / "mkdocs.yml", TODAY)
    for words in NAMED:
        assert any(e.file == "mkdocs.yml" and words in e.message for e in errors), words
    found = {e.file: e.message + " " + e.hint for e in errors}
    for link, words in LINKS.items():
        assert link in found, (link, sorted(found))
        assert "Verknüpfung (symbolischer Link)" in found[link] and words in found[link], found[link]
        assert "Löschen Sie die Verknüpfung" in found[link]
    assert_nothing_leaked("\n".join(found.values()))
    # The offer behind the link was not read: no page, no other message about it.
    assert not any(OUTSIDE_TITLE in text for text in found.values())


def test_check_command_fails_and_prints_nothing_of_the_targets(linked):
    result = run("check", linked)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    for link in [*LINKS, *NAMED]:
        assert link in output
    assert_nothing_leaked(output)


def test_build_refuses_links_and_leaves_no_site(linked):
    result = run("build", linked)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Die Website wurde NICHT gebaut" in output
    for link in [*LINKS, *NAMED]:
        assert link in output
    assert_nothing_leaked(output)
    assert not (linked / "site").exists() and not (linked / "site.new").exists()


def test_a_linked_content_folder_is_refused(tmp_path):
    project = copy_fixture(tmp_path)
    folder = outside(tmp_path)
    shutil.copytree(project / "content", folder / "content")
    shutil.rmtree(project / "content")
    os.symlink(folder / "content", project / "content")
    found = messages(project)
    assert "Dieser Ordner ist eine Verknüpfung" in found["content"]


def test_files_named_by_data_and_configuration_stay_inside(tmp_path):
    project = copy_fixture(tmp_path)
    folder = outside(tmp_path)
    (project / "media").mkdir()
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" '
                                     'height="3"/></svg>', encoding="utf-8")
    os.symlink(folder / "logo.svg", project / "media/logo.svg")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("- {id: mags,", "- {id: mags, file: media/logo.svg,")
    config = config.replace("- {id: mkffi,", "- {id: mkffi, file: ../outside/logo.svg,")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    offer = project / "offers/naehtreff.yml"
    before = offer.read_text(encoding="utf-8")
    offer.write_text(before + "image: ../outside/bild.jpg\nimage_alt: Ein Bild\n", encoding="utf-8")
    errors, _, _ = collect(project / "mkdocs.yml", TODAY)
    text = "\n".join(e.format() for e in errors)
    assert "media/logo.svg: Diese Datei ist eine Verknüpfung" in text
    assert "mkdocs.yml: Feld „funding“: Die Logo-Datei (Logo „mags“) „media/logo.svg“: diese Datei ist eine Verknüpfung" in text
    assert "Die Logo-Datei (Logo „mkffi“) „../outside/logo.svg“ liegt außerhalb des Projektordners" in text
    image = [e for e in errors if e.file == "offers/naehtreff.yml" and e.field == "image"]
    assert image and "liegt außerhalb des Projektordners" in image[0].message and image[0].line == before.count("\n") + 1


# --- hostile YAML: bounded time and memory, German message with file and line ---------------------

def billion_laughs() -> str:
    text = 'title: Lachen\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


HOSTILE = {
    "alias-bomb": (billion_laughs(), 3, "Verweis „*…“"),
    "flow-500": ("title: x\nx: " + "[" * 500 + "]" * 500 + "\n", 2, f"mehr als {MAX_DEPTH} Ebenen"),
    "flow-5000": ("title: x\nx: " + "[" * 5000 + "]" * 5000 + "\n", 2, f"mehr als {MAX_DEPTH} Ebenen"),
    "block-500": ("title: x\nx:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(500)),
                  3 + MAX_DEPTH, f"mehr als {MAX_DEPTH} Ebenen"),
}


# The check runs as the grandchild of a small wrapper: a process forked from pytest carries pytest's own
# peak memory in ru_maxrss (Linux keeps the old address space's high-water mark across exec), which in a
# full test run is larger than the whole budget. Forked from the wrapper, the figure is the check's own.
_WRAPPER = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "stadtteil.cli", "check", "-f", sys.argv[2]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_bounded(project: Path, timeout: float = 20) -> tuple[int, str, float, int]:
    """`stadtteil check` with 1 GB of address space at most: exit status, output, seconds, peak RSS (kB)."""
    log = project.parent / "check.log"
    peak = project.parent / "peak.txt"
    start = time.monotonic()
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-c", _WRAPPER, str(peak), str(project / "mkdocs.yml")],
                                   stdout=out, stderr=subprocess.STDOUT, env=ENV, cwd=project,
                                   start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    elapsed = time.monotonic() - start
    assert elapsed < timeout, f"stadtteil check took {elapsed:.0f} s (killed)"
    return process.returncode, log.read_text(encoding="utf-8"), elapsed, int(peak.read_text())


def test_hostile_yaml_is_refused_quickly_with_a_german_message(tmp_path):
    # All four in one project: every mistake at once, and one interpreter start instead of four.
    project = copy_fixture(tmp_path)
    for name, (text, _, _) in HOSTILE.items():
        (project / "offers" / f"{name}.yml").write_text(text, encoding="utf-8")
    status, output, seconds, peak_kb = run_bounded(project)
    assert status == 1, output
    assert "Traceback" not in output and "Error" not in output, output
    report = output.split("\n\n")
    for name, (_, line, words) in HOSTILE.items():
        block = next(b for b in report if b.startswith(f"offers/{name}.yml\n"))
        assert f"Zeile {line}," in block and words in block, block
    assert peak_kb < 200_000, f"{peak_kb} kB"


# In this process only what cannot explode if the limits break: the full alias bomb needs gigabytes then.
SMALL_BOMB = 'title: x\na: &a [lol, lol]\nb: &b [*a, *a]\nc: [*b, *b]\n'


@pytest.mark.parametrize("name", ["small-bomb", "flow-500", "flow-5000", "block-500"])
def test_libyaml_and_pure_python_agree_on_hostile_yaml(name):
    text, line, words = HOSTILE[name] if name in HOSTILE else (SMALL_BOMB, 3, "Verweis „*…“")
    fast_doc, fast = parse_text("offers/x.yml", text)
    slow_doc, slow = parse_text("offers/x.yml", text, fast=False)
    assert fast_doc is None and slow_doc is None
    assert fast == slow and len(fast) == 1
    assert fast[0].line == line and words in fast[0].message


@pytest.mark.parametrize("text", ["a: &a [x, *a]\n", "a: &a {b: *a}\n", "a: &x text\nb: *x\n", "<<: &m {a: 1}\nb: *m\n",
                                  "&k a: 1\n*k : 2\n"])
def test_every_alias_is_refused_also_recursive_ones(text):
    for fast in (True, False):
        doc, errors = parse_text("offers/x.yml", text, fast=fast)
        assert doc is None and len(errors) == 1 and "Verweis" in errors[0].message, (fast, errors)
        assert errors[0].line == text.count("\n", 0, text.index("*")) + 1


def test_an_undefined_alias_keeps_its_own_message():
    _, errors = parse_text("offers/x.yml", "title: *Neu\n")
    assert errors[0].message == "Ein Wert beginnt mit „*“; das ist in YAML ein Verweis."


def test_nesting_up_to_the_limit_is_fine():
    text = "title: x\nx: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    for fast in (True, False):
        doc, errors = parse_text("offers/x.yml", text, fast=fast)
        assert doc is not None and not errors


def test_oversized_files_are_refused(tmp_path):
    project = copy_fixture(tmp_path)
    offer = project / "offers/naehtreff.yml"
    offer.write_text(offer.read_text(encoding="utf-8") + "# " + "x" * 300_000 + "\n", encoding="utf-8")
    (project / "content/riesig.md").write_text("# Riesig\n\n" + "Text. " * 200_000, encoding="utf-8")
    found = messages(project)
    assert "zu groß (höchstens 256 kB)" in found["offers/naehtreff.yml"]
    assert "Die Seite ist mit 1,2 MB zu groß (höchstens 1 MB)" in found["content/riesig.md"]


def test_a_named_pipe_is_refused_instead_of_waiting_forever(tmp_path):
    # mkdocs would block copying it; `stadtteil check` must name it instead.
    project = copy_fixture(tmp_path)
    os.mkfifo(project / "content" / "pipe.txt")
    os.mkfifo(project / "offers" / "pipe.yml")
    def too_slow(*_):
        # Not TimeoutError: that is an OSError, which the loader reports as an unreadable file.
        raise AssertionError("stadtteil check waited for a named pipe")
    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)  # a regression hangs here: fail instead
    try:
        found = messages(project)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert "keine gewöhnliche Datei" in found["content/pipe.txt"]
    assert "keine gewöhnliche Datei" in found["offers/pipe.yml"]

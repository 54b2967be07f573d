"""Publishing: one build at a time, a complete site at every moment, faults ending cleanly.

Real processes throughout: `stadtteil build` of the small fixture site in subprocesses, killed with
SIGKILL at chosen moments; disk full and read-only output on real tmpfs mounts (root, as in CI).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stadtteil import publish
from stadtteil.images.variants import process

from sites import DAY, MINI as FIXTURE

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY}
LEFTOVERS = ("site.new", "site.old", "site.weg")


def copy_fixture(tmp: Path, languages: bool = False) -> Path:
    project = tmp / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cache"))
    if languages:
        # Two languages: the build forks its helper process for the second one.
        config = project / "mkdocs.yml"
        config.write_text(config.read_text().replace("plugins:\n", (
            "plugins:\n  - i18n:\n      docs_structure: suffix\n      fallback_to_default: true\n"
            "      reconfigure_search: false\n      languages:\n"
            "        - {locale: de, name: Deutsch, default: true, build: true}\n"
            "        - {locale: en, name: English, build: true}\n"), 1))
    return project


def command(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "stadtteil.cli", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]


def run(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(project, site), capture_output=True, text=True, env={**ENV, **env}, cwd=project)


def start(project: Path, site: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(command(project, site), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**ENV, **env}, cwd=project)


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def files(folder: Path) -> int:
    # os.walk, not rglob: a folder may be swapped away while it is counted.
    return sum(len(names) for _, _, names in os.walk(folder))


def wait_for(condition, timeout: float = 60, step: float = 0.005) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(step)


def leftovers(parent: Path) -> list[str]:
    return [name for name in LEFTOVERS if (parent / name).exists()]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean build of a copy of the fixture: (tree digest, file count, bytes on a tmpfs, folder). Tests
    copy the folder as their previously published site instead of building it again. Not the session's
    shared build of the fixture: that one is built inside the git checkout, whose commit time goes into
    the calendars (revisions.change_time), and a copy outside git builds other bytes."""
    tmp = tmp_path_factory.mktemp("clean")
    site = tmp / "site"
    result = run(copy_fixture(tmp), site)
    assert result.returncode == 0, result.stderr
    pages = sum(-(-p.stat().st_size // 4096) * 4096 for p in site.rglob("*") if p.is_file())
    return tree_digest(site), files(site), pages, site


# --- two builds at once --------------------------------------------------------------------------

def test_second_build_waits_for_the_first_and_then_publishes_the_clean_site(tmp_path, clean):
    # The first build is this test holding the lock, so the second is sure to meet a running build
    # (a real first build of the mini site can be done before a second interpreter has started).
    project, site = copy_fixture(tmp_path), tmp_path / "site"
    log = tmp_path / "zweiter.log"
    with open(tmp_path / ".site.lock", "w") as held, open(log, "w") as errors:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = subprocess.Popen(command(project, site), stdout=subprocess.DEVNULL, stderr=errors, text=True,
                                  env=ENV, cwd=project)
        wait_for(lambda: "Dieser Bau wartet" in log.read_text(encoding="utf-8"))
        assert second.poll() is None and not site.exists()          # waiting, and nothing touched yet
    second.wait(timeout=120)                                          # the lock is released: it goes on
    waited = log.read_text(encoding="utf-8")
    assert second.returncode == 0, waited
    assert "Ein anderer Bau schreibt gerade in „site/“. Dieser Bau wartet" in waited and "Traceback" not in waited
    assert tree_digest(site) == clean[0]
    assert leftovers(tmp_path) == []


def test_two_builds_started_together_both_publish_the_clean_site(tmp_path, clean):
    project, site = copy_fixture(tmp_path), tmp_path / "site"
    first, second = start(project, site), start(project, site)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert "Traceback" not in outputs[0][1] + outputs[1][1]
    assert tree_digest(site) == clean[0]
    assert leftovers(tmp_path) == []


def test_build_stops_with_a_german_message_when_the_other_never_ends(tmp_path):
    project, site = copy_fixture(tmp_path), tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("bisher")
    with open(tmp_path / ".site.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        began = time.monotonic()
        result = run(project, site, STADTTEIL_LOCK_WAIT="2")
        waited = time.monotonic() - began
    assert result.returncode == 1
    assert "läuft seit über 2 Sekunden; dieser Bau wurde abgebrochen und hat nichts verändert" in result.stderr
    assert "Veröffentlicht bleibt die bisherige Fassung in „site/“" in result.stderr
    assert waited >= 2 and "Traceback" not in result.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"] and leftovers(tmp_path) == []


# --- kill -9 at chosen moments -------------------------------------------------------------------

def test_killed_during_mkdocs_leaves_previous_site_and_next_build_cleans_up(tmp_path, clean):
    project, site = copy_fixture(tmp_path), tmp_path / "site"
    shutil.copytree(clean[3], site)
    before = tree_digest(site)
    build = start(project, site)
    staging = tmp_path / "site.new"
    wait_for(lambda: staging.is_dir() and files(staging) > 5)
    build.kill()
    build.wait()
    assert tree_digest(site) == before
    again = run(project, site)
    assert again.returncode == 0, again.stderr
    assert "Reste eines abgebrochenen Baus entfernt: site.new." in again.stderr
    assert tree_digest(site) == clean[0] and leftovers(tmp_path) == []


def test_killed_at_the_swap_leaves_a_complete_site(tmp_path, clean):
    """Killed when the staging folder is complete, i.e. at the swap or just before it: visitors see
    one complete version, old or new, and the next build goes on from there."""
    project, site = copy_fixture(tmp_path), tmp_path / "site"
    shutil.copytree(clean[3], site)
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text().replace("Nähtreff", "Nähcafé", 1))
    old = tree_digest(site)
    build = start(project, site)
    staging = tmp_path / "site.new"
    wait_for(lambda: files(staging) >= clean[1] or build.poll() is not None, step=0.001)
    build.kill()
    build.wait()
    assert (site / "index.html").is_file() and files(site) == clean[1]
    assert tree_digest(site) == old or "Nähcafé" in (site / "angebote/naehtreff/index.html").read_text()
    again = run(project, site)
    assert again.returncode == 0, again.stderr
    assert "Nähcafé" in (site / "angebote/naehtreff/index.html").read_text() and leftovers(tmp_path) == []


def test_data_error_after_a_crash_between_the_renames_restores_the_previous_site(tmp_path, clean):
    """Where the file system cannot exchange two folders, the swap is two renames. A crash between
    them leaves no site/, the previous site in site.old and the new one in site.new: the next
    build, even one that fails, puts the previous site back first and says so."""
    project, site = copy_fixture(tmp_path), tmp_path / "site"
    shutil.copytree(clean[3], site)
    before = tree_digest(site)
    site.rename(tmp_path / "site.old")
    shutil.copytree(tmp_path / "site.old" / "angebote", tmp_path / "site.new" / "angebote")
    (project / "partners" / "stadt.yml").write_text("name: Stadt\nkind: amt\n")
    result = run(project, site)
    assert result.returncode == 1
    assert "partners/stadt.yml, Zeile 2" in result.stderr and "Traceback" not in result.stderr
    assert "die vorherige vollständige Fassung ist wieder veröffentlicht" in result.stderr
    assert "Die Website wurde NICHT gebaut. Veröffentlicht bleibt die bisherige Fassung in „site/“" in result.stderr
    assert tree_digest(site) == before and leftovers(tmp_path) == []


def test_two_rename_fallback_keeps_a_complete_copy_at_every_step(tmp_path):
    """The fallback itself (used where renameat2 says EINVAL/ENOSYS), step by step in-process."""
    folders = publish.Folders(tmp_path / "site")
    for name, text in (("site", "alt"), ("site.new", "neu")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(text)
    previous = publish.swap(folders, can_exchange=False)
    assert previous == folders.retired and (folders.retired / "index.html").read_text() == "alt"
    assert (folders.site / "index.html").read_text() == "neu"
    # The state of a crash right after the first rename, then recovery under the next build's lock:
    folders.site.rename(folders.staging)
    notes = publish.recover(folders)
    assert (folders.site / "index.html").read_text() == "alt" and "wieder veröffentlicht" in notes[0]
    assert not folders.retired.exists() and not folders.staging.exists()


def children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def alive(pid: int) -> bool:
    # A zombie has ended; only its exit status waits for a parent (PID 1 in a container may not reap).
    return state(pid) not in ("Z", "X", "gone")


def test_helper_process_ends_when_the_build_is_killed(tmp_path):
    project = copy_fixture(tmp_path, languages=True)
    build = start(project, tmp_path / "site")
    helpers: list[int] = []

    def idle_helper() -> bool:
        """Stops the build once its helper exists and waits for work. A helper killed amid a job
        dies of its own when it hands the result back; one waiting for work (the case seen) waited
        forever. The helper is a fork (same command line); `git` before its exec looks the same for a
        moment, so a candidate must keep the command line and sleep while the build stands still."""
        if build.poll() is not None:
            return True
        with contextlib.suppress(OSError):
            own = Path(f"/proc/{build.pid}/cmdline").read_bytes()
            candidates = [pid for pid in children_of(build.pid) if cmdline(pid) == own]
            if candidates:
                build.send_signal(signal.SIGSTOP)
                for _ in range(10):
                    time.sleep(0.03)
                    candidates = [pid for pid in candidates if cmdline(pid) == own and state(pid) in ("S", "R")]
                if candidates and all(state(pid) == "S" for pid in candidates):
                    helpers.extend(candidates)
                    return True
                build.send_signal(signal.SIGCONT)
        return False
    wait_for(idle_helper, step=0.002)
    assert helpers, "the build ended without its helper waiting for work"
    build.kill()
    build.wait()
    try:
        wait_for(lambda: not any(alive(pid) for pid in helpers), timeout=5, step=0.05)
    finally:
        for pid in helpers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# --- file system faults --------------------------------------------------------------------------

@contextlib.contextmanager
def tmpfs(path: Path, size: int):
    """A real small file system; in CI (root, as here) its absence is a failure, never a skip."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        message = f"cannot mount a tmpfs (root needed): {mounted.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_disk_full_ends_cleanly_and_frees_the_space(tmp_path, clean):
    project = copy_fixture(tmp_path)
    # Room for one site and half of a second one.
    with tmpfs(tmp_path / "disk", clean[2] * 3 // 2) as disk:
        site = disk / "site"
        shutil.copytree(clean[3], site)
        before, free = tree_digest(site), os.statvfs(disk).f_bfree
        result = run(project, site)
        assert result.returncode == 1
        assert f"Auf dem Datenträger ist kein Platz mehr (beim Schreiben von „{disk}/site.new/" in result.stderr
        assert "Schaffen Sie Platz" in result.stderr
        assert "Die Website wurde NICHT gebaut. Veröffentlicht bleibt die bisherige Fassung" in result.stderr
        assert "Traceback" not in result.stderr
        assert tree_digest(site) == before and leftovers(disk) == []
        assert os.statvfs(disk).f_bfree == free


def test_read_only_output_folder_ends_cleanly(tmp_path, clean):
    project = copy_fixture(tmp_path)
    with tmpfs(tmp_path / "disk", clean[2] * 3) as disk:
        site = disk / "site"
        shutil.copytree(clean[3], site)
        (disk / ".site.lock").touch()           # as the previous build left it
        before = tree_digest(site)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run(project, site)
        assert result.returncode == 1
        assert "ist schreibgeschützt" in result.stderr and "Traceback" not in result.stderr
        assert "Veröffentlicht bleibt die bisherige Fassung in „site/“" in result.stderr
        assert tree_digest(site) == before and leftovers(disk) == []


def test_missing_write_permission_ends_cleanly(tmp_path, clean):
    """Root would ignore the folder's mode: the build runs as root without capabilities (setpriv),
    as an ordinary user would."""
    if shutil.which("setpriv") is None:
        message = "setpriv (util-linux) is needed to drop root's capabilities"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    project, out = copy_fixture(tmp_path), tmp_path / "out"
    out.mkdir()
    site = out / "site"
    shutil.copytree(clean[3], site)
    (out / ".site.lock").touch()
    before = tree_digest(site)
    out.chmod(0o555)
    try:
        result = subprocess.run(["setpriv", "--bounding-set=-all", *command(project, site)], capture_output=True,
                                text=True, env=ENV, cwd=project)
    finally:
        out.chmod(0o755)
    assert result.returncode == 1
    assert f"Keine Schreibrechte für „{out}/site.new“" in result.stderr and "Traceback" not in result.stderr
    assert "Veröffentlicht bleibt die bisherige Fassung in „site/“" in result.stderr
    assert tree_digest(site) == before and leftovers(out) == []


# --- the image cache -----------------------------------------------------------------------------

def photo() -> bytes:
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.radial_gradient("L").resize((900, 600)).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.parametrize("damage", ["manifest", "variant", "variant-missing"])
def test_damaged_cache_entry_is_made_anew_never_used(tmp_path, damage):
    data = photo()
    fresh = process(data, "media/x.jpg", "x", None)
    first = process(data, "media/x.jpg", "x", tmp_path)
    entry = tmp_path / f"{first.digest}-v1"
    target = entry / ("manifest.json" if damage == "manifest" else "640.jpg")
    if damage == "variant-missing":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])   # a restore cut short
    again = process(data, "media/x.jpg", "x", tmp_path)
    assert not again.cached and again.repaired
    assert [v.data for v in again.variants] == [v.data for v in fresh.variants]
    third = process(data, "media/x.jpg", "x", tmp_path)          # the entry is whole again
    assert third.cached and not third.repaired and [v.data for v in third.variants] == [v.data for v in fresh.variants]


def test_build_with_a_truncated_cached_photo_publishes_the_right_bytes(tmp_path):
    import textwrap
    project = copy_fixture(tmp_path)
    data = photo()
    (project / "media").mkdir()
    (project / "media" / "naehtreff.jpg").write_bytes(data)
    (project / "media" / "naehtreff.jpg.consent.yml").write_text(
        f"sha256: {hashlib.sha256(data).hexdigest()}\n" + textwrap.dedent("""\
            persons: depicted
            consents:
              - form: EV-2026-014
                form_version: "2026-01"
                age_group: adult
                scope: [website, print]
                given: 2026-06-20
            """))
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text() + "image: media/naehtreff.jpg\nimage_alt: Nähmaschinen auf einem Tisch\n")
    cache = project / ".cache" / "images"
    expected = process(data, "media/naehtreff.jpg", "naehtreff", cache)
    entry = cache / f"{expected.digest}-v1"
    (entry / "640.jpg").write_bytes((entry / "640.jpg").read_bytes()[:1000])
    (entry / "manifest.json").write_text((entry / "manifest.json").read_text()[:40])
    site = tmp_path / "site"
    result = run(project, site)
    assert result.returncode == 0, result.stderr
    assert "Zwischenspeicher (.cache/images) beschädigt oder veraltet für 1 Bild(er) (media/naehtreff.jpg)" \
        in result.stderr
    for variant in expected.variants:
        assert (site / variant.path).read_bytes() == variant.data, variant.path

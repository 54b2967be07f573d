"""Compiled templates kept between builds (template_cache.py): loaded instead of compiled, never stale,
never written for a project's own templates, never read from a folder someone else could write to."""

import os
from pathlib import Path

import jinja2
import pytest

from sites import MINI, build, copy_project
from stadtteil.template_cache import TemplateCache, default_folder

TEMPLATE = "{% for x in items %}\n[{{ x }}]\n{% endfor %}\n"


class Counting(jinja2.Environment):
    """An environment that counts the templates it had to compile."""

    compiled = 0

    def compile(self, *args, **kwargs):
        Counting.compiled += 1
        return super().compile(*args, **kwargs)


def render(templates: Path, cache: TemplateCache, **options) -> str:
    options = {"trim_blocks": True, **options}   # as the package's templates are compiled
    env = Counting(loader=jinja2.FileSystemLoader(templates), bytecode_cache=cache, **options)
    return env.get_template("t.j2").render(items=[1, 2])


@pytest.fixture
def installed(tmp_path) -> tuple[Path, Path]:
    """A folder of trusted templates (as an installed theme's) and an empty cache folder."""
    templates = tmp_path / "theme"
    templates.mkdir()
    (templates / "t.j2").write_text(TEMPLATE)
    return templates, tmp_path / "cache"


def trusting(folder: Path, templates: Path) -> TemplateCache:
    cache = TemplateCache(str(folder))
    cache.trust(str(templates))
    return cache


def test_the_next_process_loads_what_the_first_compiled(installed):
    templates, folder = installed
    Counting.compiled = 0
    assert render(templates, trusting(folder, templates)) == "[1]\n[2]\n"
    assert Counting.compiled == 1
    assert len(os.listdir(folder)) == 1
    # A new cache object stands for the next build: nothing is compiled, the result is the same.
    assert render(templates, trusting(folder, templates)) == "[1]\n[2]\n"
    assert Counting.compiled == 1
    # Within one process the memory serves every environment (six languages: one compile).
    cache = trusting(folder, templates)
    for _ in range(3):
        render(templates, cache)
    assert Counting.compiled == 1


def test_a_changed_template_or_option_is_compiled_again(installed):
    templates, folder = installed
    render(templates, trusting(folder, templates))
    # Other options change the compiled code: the entry of the first must not be used.
    assert render(templates, trusting(folder, templates), trim_blocks=False) == "\n[1]\n\n[2]\n"
    assert render(templates, trusting(folder, templates)) == "[1]\n[2]\n"
    assert render(templates, trusting(folder, templates), trim_blocks=False, lstrip_blocks=True,
                  keep_trailing_newline=True) == "\n[1]\n\n[2]\n\n"
    (templates / "t.j2").write_text("neu: {{ items | length }}")
    Counting.compiled = 0
    assert render(templates, trusting(folder, templates)) == "neu: 2"
    assert Counting.compiled == 1


def test_a_damaged_entry_is_compiled_again(installed):
    templates, folder = installed
    render(templates, trusting(folder, templates))
    entry = folder / os.listdir(folder)[0]
    good = entry.read_bytes()
    for damage in (b"", good[:len(good) // 2], good[:-40] + b"\0" * 40, b"nonsense"):
        entry.write_bytes(damage)
        Counting.compiled = 0
        assert render(templates, trusting(folder, templates)) == "[1]\n[2]\n"
        assert Counting.compiled == 1


def test_a_projects_own_templates_stay_in_memory(installed, tmp_path):
    _, folder = installed
    project = tmp_path / "project"
    project.mkdir()
    (project / "t.j2").write_text(TEMPLATE)
    cache = TemplateCache(str(folder))   # trusts the package only
    assert render(project, cache) == "[1]\n[2]\n"
    assert not folder.exists() or os.listdir(folder) == []


@pytest.mark.parametrize("danger", ["others may write", "a symbolic link"])
def test_a_folder_others_could_write_to_is_not_used(installed, tmp_path, danger):
    templates, folder = installed
    render(templates, trusting(folder, templates))    # a genuine entry…
    if danger == "others may write":
        folder.chmod(0o777)
        used = folder
    else:
        used = tmp_path / "link"
        used.symlink_to(folder)
    Counting.compiled = 0
    before = sorted(os.listdir(folder))
    assert render(templates, trusting(used, templates)) == "[1]\n[2]\n"
    assert Counting.compiled == 1                    # …is not read
    (templates / "t.j2").write_text("anders")
    assert render(templates, trusting(used, templates)) == "anders"
    assert sorted(os.listdir(folder)) == before      # and nothing is written


def test_the_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_folder().startswith(str(tmp_path / "stadtteil") + os.sep)
    monkeypatch.setenv("XDG_CACHE_HOME", "relativ")       # not absolute: ignored, as the specification says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_folder().startswith(str(tmp_path / "home" / ".cache" / "stadtteil") + os.sep)


def test_a_build_keeps_the_installed_templates_only(tmp_path):
    """A real build with a template override of its own: the package's and Material's templates are
    kept compiled; the project's override is not, and its change shows in the next build."""
    project = copy_project(MINI, tmp_path / "mini")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1))
    (project / "overrides").mkdir()
    (project / "overrides" / "404.html").write_text('{% extends "main.html" %}\n{% block content %}<h1>Weg-eins</h1>{% endblock %}\n')
    cache_home = tmp_path / "xdg"
    result = build(project, tmp_path / "site", env={"XDG_CACHE_HOME": str(cache_home)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Weg-eins" in (tmp_path / "site" / "404.html").read_text()
    [folder] = (cache_home / "stadtteil" / "vorlagen").iterdir()
    assert (folder.stat().st_mode & 0o777) == 0o700
    entries = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert len(entries) > 40                                   # Material's and the package's templates
    assert not any(b"Weg-eins" in data for data in entries.values())
    (project / "overrides" / "404.html").write_text('{% extends "main.html" %}\n{% block content %}<h1>Weg-zwei</h1>{% endblock %}\n')
    result = build(project, tmp_path / "site2", env={"XDG_CACHE_HOME": str(cache_home)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Weg-zwei" in (tmp_path / "site2" / "404.html").read_text()
    assert {p.name for p in folder.iterdir()} == set(entries)   # loaded, nothing new compiled to disk

"""The funding notice as rendered: the site's own CSS cannot hide, shrink, cover or recolour it, logos
show something, and the browser's check of the notice sees each bypass (the crawl, tests/test_crawl.py, runs it
on every page of every language at both widths).

The CSS bypasses are all put into one build of the mini site (every mistake is reported at once, so
one build shows each of them refused).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from browser import PHONE, browser, serve
from crawl import FUNDING
from stadtteil import funding
from stadtteil.checks import rendered
from stadtteil.htmltree import parse

from sites import DAY, MINI as FIXTURE, REPO, build_here
THEME = REPO / "plugins" / "stadtteil" / "mkdocs_adapter" / "theme"
ENV = {"NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY}


def build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return build_here(project, site, today=DAY, env=ENV)


def mini_copy(tmp: Path, extra: str = "") -> Path:
    project = tmp / "project"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("markdown_extensions:", extra + "markdown_extensions:", 1))
    return project


# Each bypass in its own file: (file, CSS, words the build's message must contain).
BYPASSES = [
    ("footer.css", ".md-footer { display: none; }", "display: none"),
    ("footer-tag.css", "footer { display: none; }", "display: none"),
    ("footer-meta.css", ".md-footer-meta { display: none; }", "display: none"),
    ("attribute.css", "[data-stadtteil-funding] { display: none; }", "für die Förderleiste"),
    ("body-children.css", "body > * { display: none; }", "display: none"),
    ("visibility.css", ".st-funding { visibility: hidden; }", "visibility: hidden"),
    ("opacity.css", ".st-eu { opacity: 0; }", "opacity: 0"),
    ("clip-path.css", ".st-funding { clip-path: inset(50%); }", "clip-path"),
    ("scale.css", ".md-footer-meta__inner { transform: scale(0.1); }", "transform: scale(0.1)"),
    ("emblem.css", ".st-funding__logos img[data-funder=eu-esf], .st-eu__emblem { width: 15px; height: 10px; }",
     "width: 15px"),
    ("colour.css", ".md-typeset .st-funding p { color: #fff !important; }", "color: #fff !important"),
    ("overlay.css", ".st-banner { position: fixed; inset: 0; background: #fff; }", "legt eine Ebene"),
    ("shifted.css", ".md-main { transform: translateY(40rem); }", "legt eine Ebene"),
    ("variable.css", ":root { --md-footer-bg-color: #fff; }", "Variable „--md-footer-bg-color“"),
    ("print.css", "@media print { .st-funding { display: none; } }", "display: none"),
    ("importing.css", '@import "imported.css"; .st-eu { overflow: hidden; }', "overflow: hidden"),
]
IMPORTED = ".st-eu__text { font-size: 1px; }"
OVERRIDE_STYLE = "<style>.st-eu { visibility: hidden; }</style>"
HARMLESS = ("/* a site's own, harmless styling */\n.md-typeset h1 { color: #1f3b5a; }\n"
            ".st-card { border-color: #777; }\nbody { font-family: Georgia, serif; }\n"
            ".md-main { margin-block: 1rem; }\n")


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> str:
    """One build of the mini site with every CSS bypass, a `<style>` in a theme override, and harmless CSS."""
    tmp = tmp_path_factory.mktemp("bypasses")
    files = [name for name, _, _ in BYPASSES] + ["harmless.css", "theme.css", "pushdown.css"]
    project = mini_copy(tmp, "extra_css: [" + ", ".join(f"assets/{n}" for n in files) + "]\n")
    assets = project / "content" / "assets"
    assets.mkdir(parents=True)
    for name, css, _ in BYPASSES:
        (assets / name).write_text(f"/* {name} */\n{css}\n")
    (assets / "imported.css").write_text(IMPORTED + "\n")
    (assets / "harmless.css").write_text(HARMLESS)
    (assets / "pushdown.css").write_text("/* pushdown.css */\nbody { padding-top: 2000px; }\n"
                                         ".md-skip { display: block; height: 100rem; }\n")
    overrides = project / "overrides" / "partials"
    overrides.mkdir(parents=True)
    (project / "overrides" / "assets").mkdir()
    (project / "overrides" / "assets" / "theme.css").write_text(".md-footer-meta { height: 0; overflow: hidden; }\n")
    (overrides / "logo.html").write_text("{#- a site's own logo -#}\n" + OVERRIDE_STYLE + "\n<span>Logo</span>\n")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n", 1))
    result = build(project, tmp / "site")
    assert result.returncode != 0, "the build must refuse CSS that hides the funding notice"
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("name, css, words", BYPASSES, ids=[b[0] for b in BYPASSES])
def test_site_css_bypass_is_refused_naming_file_and_rule(refused, name, css, words):
    # Line 2: the rule after the comment line; the message names the file staff edit, not the built copy.
    assert f"content/assets/{name}, Zeile 2: Förderhinweis:" in refused
    lines = [line for line in refused.splitlines() if f"content/assets/{name}, Zeile 2" in line]
    assert any(words in line and ("nicht ausblenden" in line or "Ebenen können den Förderhinweis verdecken" in line) for line in lines), lines


def test_imported_sheet_is_checked_as_site_css(refused):
    assert "content/assets/imported.css, Zeile 1: Förderhinweis: Die Regel „.st-eu__text“ setzt „font-size: 1px“" \
        in refused


def test_style_element_in_a_theme_override_is_refused_naming_the_template(refused):
    assert ("overrides/partials/logo.html, Zeile 2: Förderhinweis: Die Regel „.st-eu“ setzt „visibility: hidden“"
            in refused)


def test_css_file_of_the_theme_folder_is_site_css(refused):
    assert "overrides/assets/theme.css, Zeile 1: Förderhinweis: Die Regel „.md-footer-meta“ setzt „height: 0“" in refused
    assert "overrides/assets/theme.css, Zeile 1: Förderhinweis: Die Regel „.md-footer-meta“ setzt „overflow: hidden“" \
        in refused


def test_each_mistake_is_reported_once_not_once_per_page(refused):
    assert refused.count("content/assets/footer.css, Zeile 2") == 1


def test_pushing_the_emblem_below_the_first_screen_is_refused(refused):
    # Space above the emblem from the elements it sits in, or a taller element before it (the skip link).
    assert ("content/assets/pushdown.css, Zeile 2: Förderhinweis: Die Regel „body“ setzt „padding-top: 2000px“ "
            "für ein Element, in dem das EU-Emblem steht") in refused
    assert "content/assets/pushdown.css, Zeile 3: Förderhinweis: Die Regel „.md-skip“ setzt „height: 100rem“" in refused
    assert "ohne Scrollen zu sehen sein" in refused


def test_language_bar_may_not_push_the_emblem_down(repo_site, tmp_path):
    """The language bar stands before the emblem on every page of a site in several languages."""
    from stadtteil.checks import rendered
    import material
    check = rendered.CssCheck(rendered.shipped_css([THEME, Path(material.__file__).parent / "templates"]))
    (repo_site / "assets" / "probe-first-screen.css").write_text(
        "nav.st-languages li { display: block; height: 900px; }\n.st-languages a { color: #036; }\n")
    try:
        page = parse((repo_site / "index.html").read_bytes())
        head = page.el[0].find(".//head")
        head.append(head.makeelement("link", {"rel": "stylesheet", "href": "assets/probe-first-screen.css"}))
        problems = check.check_page(page.el[0], "index.html", repo_site)
    finally:
        (repo_site / "assets" / "probe-first-screen.css").unlink()
    texts = [p.message for p in problems]
    assert any("„height: 900px“ für ein Element vor dem EU-Emblem" in t for t in texts), texts
    assert not any("color" in t for t in texts), texts   # colours of the language bar may change


def test_harmless_site_css_passes(refused):
    assert "harmless.css" not in refused


def test_harmless_site_css_alone_builds(tmp_path):
    project = mini_copy(tmp_path, "extra_css: [assets/harmless.css]\n")
    (project / "content" / "assets").mkdir(parents=True)
    (project / "content" / "assets" / "harmless.css").write_text(HARMLESS)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr


def test_shipped_css_is_trusted_only_with_its_own_bytes(mini_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(mini_site, site)
    import material
    check = rendered.CssCheck(rendered.shipped_css([THEME, Path(material.__file__).parent / "templates"]))
    page = parse((site / "index.html").read_bytes())
    assert check.check_page(page.el[0], "index.html", site) == []
    # Same name, other bytes: it is site CSS now, and what it does to the notice is refused.
    with (site / "assets" / "stadtteil.css").open("a") as css:
        css.write("\n.st-funding { display: none; }\n")
    problems = check.check_page(page.el[0], "index.html", site)
    assert {p.file for p in problems} == {"site/assets/stadtteil.css"}
    assert any("display: none" in p.message and "Förderleiste" in p.message for p in problems)


# --- the shipped CSS itself -------------------------------------------------------------------------

def _px(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(px|cm|mm|rem|em)", value.replace("!important", "").strip()).groups()
    return float(number) * {"px": 1, "cm": 96 / 2.54, "mm": 96 / 25.4, "rem": 16, "em": 16}[unit]


@pytest.mark.parametrize("medium", ["screen", "print"])
@pytest.mark.parametrize("width", [1280, 390])
def test_shipped_css_computes_the_notice_visible(mini_site, medium, width):
    page = parse((mini_site / "index.html").read_bytes())
    root = page.el[0]
    sheets = [(mini_site / href).read_bytes() for href in root.xpath("//link[@rel='stylesheet']/@href")
              if "://" not in href]
    assert len(sheets) >= 2   # Material's and the project's
    notices = root.xpath(rendered.NOTICE_XPATH)
    assert len(notices) == 2
    for notice in notices:
        for el in [notice, *notice.iterancestors(), *notice.iterdescendants()]:
            if el.tag == "document":
                continue
            values = rendered.cascaded(root, el, sheets, medium, width)
            where = (el.tag, el.get("class"), medium, width)
            assert values.get("display", "").split(" ")[0] != "none", where
            assert values.get("visibility") not in ("hidden", "collapse"), where
            assert values.get("opacity", "1") not in ("0", "0.0"), where
            assert "scale(0" not in values.get("transform", ""), where
    emblem_top = root.xpath("//*[@data-stadtteil-eu]//img[@data-funder='eu-esf']")[0]
    logos = root.xpath("//*[@data-stadtteil-funding]//img[@data-funder]")
    heights = {img.get("data-funder"): _px(rendered.cascaded(root, img, sheets, medium, width)["height"])
               for img in logos}
    top = _px(rendered.cascaded(root, emblem_top, sheets, medium, width)["height"])
    largest_other = max(h for funder, h in heights.items() if funder != "eu-esf")
    assert heights["eu-esf"] >= largest_other and top >= largest_other, (heights, top)


def test_media_conditions_follow_the_viewport():
    assert rendered.media_holds(("screen and (max-width: 76.2344em)",), "screen", 390)
    assert not rendered.media_holds(("screen and (max-width: 76.2344em)",), "screen", 1280)
    assert not rendered.media_holds(("print",), "screen", 1280)
    assert rendered.media_holds(("print", "(min-width: 60em)"), "print", 1280)


# --- logos must show something ---------------------------------------------------------------------

def _png(mode: str, colour) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (400, 200), colour).save(out, "PNG")
    return out.getvalue()


def test_transparent_and_blank_logos_are_refused_by_the_build(tmp_path):
    project = mini_copy(tmp_path)
    (project / "logos").mkdir()
    (project / "logos" / "mkffi.png").write_bytes(_png("RGBA", (0, 0, 0, 0)))
    (project / "logos" / "mags.png").write_bytes(_png("RGB", (255, 255, 255)))
    config = project / "mkdocs.yml"
    text = config.read_text()
    text = text.replace("- {id: mags, alt:", "- {id: mags, file: logos/mags.png, alt:")
    text = text.replace("- {id: mkffi, alt:", "- {id: mkffi, file: logos/mkffi.png, alt:")
    config.write_text(text)
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "Die Logo-Datei logos/mkffi.png ist vollständig durchsichtig" in result.stderr
    assert "Die Logo-Datei logos/mags.png ist eine leere Fläche in einer Farbe" in result.stderr
    assert "Traceback" not in result.stderr


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">{}</svg>'


@pytest.mark.parametrize("body", [
    '<rect width="400" height="200" fill="none"/>',
    '<g opacity="0"><path d="M0 0H400V200Z"/></g>',
    '<path d="M0 0H400V200Z" style="display:none"/>',
    '<rect width="400" height="200" fill="#fff"/>',
    '<defs><path id="p" d="M0 0H400V200Z"/></defs>',
    '<style>path { display: none }</style><path d="M0 0H400V200Z"/>',
    '<g fill="none"><circle cx="50" cy="50" r="40"/></g>',
])
def test_invisible_svg_logos_are_refused(body):
    problem = funding._image_problem(SVG.format(body).encode(), "logos/mkffi.svg")
    assert problem and problem.startswith("Die Logo-Datei logos/mkffi.svg") and "sichtbar" in problem


@pytest.mark.parametrize("body", [
    '<path d="M0 0H400V200Z" fill="#003399"/>',
    '<g fill="none"><path d="M0 0L400 200" stroke="#000" stroke-width="8"/></g>',
    '<text x="10" y="100">MKFFI</text>',
])
def test_visible_svg_logos_pass(body):
    assert funding._image_problem(SVG.format(body).encode(), "logos/mkffi.svg") is None


def test_shipped_logos_pass():
    for path in sorted(funding.DATA.glob("*.svg")):
        assert funding._image_problem(path.read_bytes(), path.name) is None, path.name


def test_a_real_raster_logo_passes():
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    image.paste((0, 51, 153, 255), (20, 20, 380, 180))
    out = io.BytesIO()
    image.save(out, "PNG")
    assert funding._image_problem(out.getvalue(), "logos/mags.png") is None


# --- in Chromium ---------------------------------------------------------------------------------------
# The notice as rendered on every page of every language at both widths is judged in tests/test_crawl.py
# (crawl.FUNDING, read in the crawl's one pass per page). Here: that the same check sees each bypass.

@pytest.fixture(scope="module")
def repo_site(full_site) -> Path:
    return full_site


@pytest.mark.parametrize("css, expected", [
    (".md-footer { display: none; }", "Förderleiste nicht sichtbar: display:none"),
    (".st-eu__emblem { width: 15px !important; height: 10px !important; }", "EU-Emblem oben kleiner"),
    (".md-typeset .st-funding p.st-funding__text { color: #fff !important; }", "Kontrast"),
    (".st-banner { position: fixed; inset: 0; background: #fff; z-index: 9; }", "verdeckt"),
])
def test_browser_check_sees_each_bypass(mini_browser, css, expected):
    """The browser pass is no formality: CSS the build refuses is also what it would see."""
    base, chromium = mini_browser
    # The site's CSP refuses inline styles (rightly); the test's own sheet is let in past it.
    context = chromium.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(base, wait_until="load")
    page.add_style_tag(content=css)
    page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<div class=\"st-banner\"></div>')")
    problems = page.evaluate(FUNDING)
    context.close()
    assert any(expected in p for p in problems), problems


@pytest.fixture(scope="module")
def mini_browser(mini_site):
    with serve(mini_site) as base, browser() as chromium:
        yield base, chromium


def test_style_attributes_around_the_notice_are_refused(mini_site):
    """A theme override can put style="…" on <body>; the old output check knew only a few hiding values."""
    import material
    check = rendered.CssCheck(rendered.shipped_css([THEME, Path(material.__file__).parent / "templates"]))
    html = (mini_site / "index.html").read_text()
    html = html.replace("<body", '<body style="transform: scale(0.1); font-family: serif"', 1)
    html = html.replace('class="st-funding"', 'class="st-funding" style="color: #fff"', 1)
    problems = [p.format() for p in check.check_page(parse(html).el[0], "index.html", mini_site)]
    assert len(problems) == 2, problems
    assert "style-Attribut von <body> setzt „transform: scale(0.1)“" in problems[0]
    assert "style-Attribut von <section> setzt „color: #fff“" in problems[1]
    assert check.check_page(parse((mini_site / "index.html").read_bytes()).el[0], "index.html", mini_site) == []

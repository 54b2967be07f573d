"""The funding notice as a browser renders it: the site's own CSS read by a real CSS engine.

The HTML check (funding.py) proves the notice is in every page; CSS can still hide, shrink, cover or
recolour it (a `.md-footer{display:none}` in `extra_css` did so with exit code 0). So every stylesheet
a built page links, every `@import`ed sheet and every `<style>` element is parsed with tinycss2 and
every rule is matched with cssselect2 against the page's real tree. The shipped CSS (Material's and
assets/stadtteil.css) is trusted only when its path and its bytes are those of the shipped package
files; everything else is site CSS and may not touch the notice, its logos or any element it sits in.

Each distinct stylesheet is parsed once per process (keyed by its bytes), so a build over thousands
of pages pays for parsing once; pages that link only trusted CSS cost one dictionary lookup per sheet.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import cssselect2
import tinycss2
from lxml import etree

from ..errors import DataError

NOTICE_XPATH = "//*[@data-stadtteil-funding or @data-stadtteil-eu]"
# Compiled once: asked on every page of the site (libxml2 walks the tree, not Python).
_NOTICES = etree.XPath(NOTICE_XPATH)
_SHEET_ELEMENTS = etree.XPath("//link[@rel][@href] | //style")

# Properties that can hide, shrink, move, cover or recolour a box or its text (prefix match on the
# name: `mask` covers mask-image, `overflow` covers overflow-x, `inset` covers inset-inline …).
FORBIDDEN = (
    "display", "visibility", "opacity", "clip", "mask", "-webkit-mask", "transform", "scale", "translate",
    "rotate", "perspective", "filter", "backdrop-filter", "mix-blend-mode", "width", "height", "min-width",
    "min-height", "max-width", "max-height", "inline-size", "block-size", "min-inline-size", "min-block-size",
    "max-inline-size", "max-block-size", "font", "line-height", "overflow", "position", "inset", "top",
    "left", "right", "bottom", "z-index", "color", "background", "text-indent", "content", "zoom",
    "contain", "content-visibility", "float", "flex", "-webkit-text-fill-color", "-webkit-text-stroke",
    "text-shadow", "letter-spacing", "word-spacing", "outline", "box-shadow", "all", "aspect-ratio",
    "object-fit", "object-position", "-webkit-box-reflect", "text-transform", "writing-mode",
)
# On the elements the notice sits in, inherited text properties of the notice are set by the notice's
# own shipped rules; a site may give its body another typeface or spacing, but never hide or move it.
ANCESTOR_ALLOWED = ("font-family", "font-weight", "font-style", "letter-spacing", "word-spacing")
_DYNAMIC = re.compile(r":(hover|focus-within|focus-visible|focus|active|visited|target|link|any-link)\b")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_NEGATIVE = re.compile(r"(^|[\s(,])-\s*[\d.]")
_COVERING_SIZE = re.compile(r"\b100(\.0*)?(%|vw|vh|dvh|svh|lvh|dvw|svw|lvw)|\b0\b")

RULE_HINT = ("Eigenes CSS (extra_css, ein Theme-Ordner, <style>) darf den Förderhinweis – die Förderleiste, "
             "das EU-Emblem oben, ihre Logos und die Elemente, in denen sie stehen – nicht ausblenden, "
             "verkleinern, verschieben, überdecken oder umfärben. Entfernen Sie die Angabe oder schränken "
             "Sie den Selektor auf andere Elemente ein.")
FIRST_SCREEN_HINT = ("Das EU-Emblem mit „Kofinanziert von der Europäischen Union“ muss beim Öffnen jeder Seite ohne "
                     "Scrollen zu sehen sein. Eigenes CSS darf die Elemente davor (Sprachleiste, Sprunglink) und die "
                     "Elemente, in denen es steht, nicht vergrößern oder auseinanderschieben. Entfernen Sie die Angabe.")
OVERLAY_HINT = ("Eigenes CSS darf keine Ebenen über die Seite legen: kein „position: fixed“ oder „sticky“, "
                "„position: absolute“ nur ohne z-index und ohne volle Breite oder Höhe, „position: relative“ "
                "nur ohne Verschiebung (top, left …) und kein „transform“, „translate“, „scale“ oder „rotate“. "
                "Solche Ebenen können den Förderhinweis verdecken; eine Stadtteil-Website braucht sie nicht. "
                "Entfernen Sie die Angabe.")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def shipped_css(theme_dirs: Iterable[Path]) -> dict[str, str]:
    """Site path → content digest of every CSS file the shipped themes put into the site."""
    trusted: dict[str, str] = {}
    for folder in theme_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.css"):
            trusted.setdefault(path.relative_to(folder).as_posix(), digest(path.read_bytes()))
    return trusted


@dataclass
class Declaration:
    name: str
    value: str
    important: bool
    line: int


@dataclass
class Rule:
    selector: str
    line: int
    declarations: list[Declaration]
    media: tuple[str, ...] = ()   # the conditions of the @media blocks around it, all of which must hold


@dataclass
class Sheet:
    """One parsed stylesheet: its rules (media blocks flattened in), @imports and rule-wide problems."""
    rules: list[Rule] = field(default_factory=list)
    imports: list[tuple[str, int]] = field(default_factory=list)
    overlays: list[tuple[int, str]] = field(default_factory=list)   # (line, rule text)
    matcher: cssselect2.Matcher | None = None
    variables: set[str] = field(default_factory=set)


def _text(tokens) -> str:
    return re.sub(r"\s+", " ", tinycss2.serialize(tokens)).strip()


def _declarations(content) -> list[Declaration]:
    found = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found.append(Declaration(item.lower_name, _text(item.value), item.important, item.source_line))
        elif item.type == "qualified-rule":
            # CSS nesting: the nested rule's declarations count for the parent's elements too
            # (conservative: `&` forms that narrow the match are treated as matching).
            found.extend(_declarations(item.content))
    return found


_OFFSETS = ("top", "bottom", "left", "right", "inset", "inset-block", "inset-inline", "inset-block-start",
            "inset-block-end", "inset-inline-start", "inset-inline-end")


def _is_overlay(declarations: list[Declaration]) -> bool:
    """Whether a rule, wherever it applies, can lay a box over the notice (its elements are not needed:
    a box moved from anywhere on the page covers the notice just as well)."""
    values = {d.name: d.value.lower() for d in declarations}
    position = values.get("position", "")
    if position.startswith(("fixed", "sticky")) or "-webkit-sticky" in position:
        return True
    if position.startswith("absolute"):
        if "z-index" in values:
            return True
        return any(_COVERING_SIZE.search(values.get(name, "")) for name in
                   ("width", "height", "inset", "min-width", "min-height", "inline-size", "block-size"))
    if position.startswith("relative") and any(
            re.search(r"[1-9]", values.get(name, "")) for name in _OFFSETS):
        return True
    # A transformed box is painted above the boxes after it: moved or enlarged, it covers them.
    return any(values.get(name, "none") not in ("none", "initial", "unset") for name in
               ("transform", "translate", "scale", "rotate"))


def parse_sheet(css: str) -> Sheet:
    sheet = Sheet()

    def walk(rules, media: tuple[str, ...] = ()) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                declarations = _declarations(rule.content)
                selector = _text(rule.prelude)
                sheet.rules.append(Rule(selector, rule.source_line, declarations, media))
                if _is_overlay(declarations):
                    sheet.overlays.append((rule.source_line, selector))
            elif rule.type == "at-rule":
                name = rule.lower_at_keyword
                if name == "import":
                    for token in rule.prelude:
                        if token.type in ("string", "url"):
                            sheet.imports.append((token.value, rule.source_line))
                            break
                        if token.type == "function" and token.lower_name == "url":
                            strings = [t.value for t in token.arguments if t.type == "string"]
                            if strings:
                                sheet.imports.append((strings[0], rule.source_line))
                            break
                elif rule.content is not None and name not in ("font-face", "keyframes", "-webkit-keyframes",
                                                                "page", "property", "counter-style"):
                    # @media (screen and print, every width), @supports, @layer, @container, @scope …:
                    # any of them may apply somewhere, so their rules count.
                    inner = media + (_text(rule.prelude),) if name == "media" else media
                    walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), inner)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    matcher = cssselect2.Matcher()
    for index, rule in enumerate(sheet.rules):
        for name in rule.declarations:
            sheet.variables.update(_VAR.findall(name.value))
        try:
            selectors = cssselect2.compile_selector_list(_DYNAMIC.sub(r":is(*)", rule.selector))
        except cssselect2.SelectorError:
            continue   # a browser drops the rule as well
        for selector in selectors:
            matcher.add_selector(selector, index)
    sheet.matcher = matcher
    return sheet


_SHEETS: dict[str, Sheet] = {}
_FILES: dict[tuple[str, int, int], tuple[bytes, str]] = {}
_ORIGINS: dict[tuple, str | None] = {}


def _sheet(data: bytes) -> tuple[str, Sheet]:
    key = digest(data)
    sheet = _SHEETS.get(key)
    if sheet is None:
        sheet = _SHEETS[key] = parse_sheet(data.decode("utf-8", errors="replace"))
    return key, sheet


def _read(path: Path) -> tuple[bytes, str] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _FILES:
        data = path.read_bytes()
        _FILES[key] = (data, digest(data))
    return _FILES[key]


def _wrapper_path(root, element) -> list:
    """cssselect2 wrappers from the root down to ``element`` (only siblings on the way are wrapped)."""
    chain = [element]
    while chain[-1] is not root:
        chain.append(chain[-1].getparent())
    chain.reverse()
    wrapper = cssselect2.ElementWrapper.from_html_root(root)
    wrappers = [wrapper]
    for target in chain[1:]:
        wrapper = next(child for child in wrapper.iter_children() if child.etree_element is target)
        wrappers.append(wrapper)
    return wrappers


@dataclass
class CssCheck:
    """The check of one site's CSS; picklable (the helper process runs it too)."""
    trusted: dict[str, str]
    # Folders a site path may come from, to name the file staff edit: (folder, name shown).
    sources: tuple[tuple[str, str], ...] = ()

    def _where(self, site_path: str) -> str:
        for folder, shown in self.sources:
            if os.path.isfile(os.path.join(folder, site_path)):
                return f"{shown.rstrip('/')}/{site_path}"
        return f"site/{site_path}"

    def _style_origin(self, css: str, page: str, line: int | None) -> tuple[str, int]:
        """The template or page a <style> element comes from (staff edit that file, not the built page),
        and the lines before the CSS in it (the sheet's own line numbers count from the <style>)."""
        needle = css.strip()
        key = (needle, tuple(self.sources))
        if key not in _ORIGINS:
            _ORIGINS[key] = None
            for folder, shown in self.sources:
                for path in sorted(Path(folder).rglob("*")):
                    if path.suffix not in (".html", ".md", ".j2") or not needle:
                        continue
                    text = path.read_text(encoding="utf-8", errors="replace")
                    if needle in text:
                        # Line n of the CSS is line n + offset of the file.
                        leading = css[:len(css) - len(css.lstrip())].count("\n")
                        offset = text[:text.index(needle)].count("\n") - leading
                        _ORIGINS[key] = (f"{shown.rstrip('/')}/{path.relative_to(folder).as_posix()}", offset)
                        break
                if _ORIGINS[key]:
                    break
        return _ORIGINS[key] or (f"site/{page}, <style>-Element in Zeile {line}", 0)

    def check_page(self, root, page: str, site_dir: Path) -> list[DataError]:
        """Every site CSS rule that reaches the funding notice of this page (root: lxml tree of the page)."""
        notices = _NOTICES(root)
        if not notices:
            return []
        sheets: list[tuple[str, Sheet, int]] = []   # (where, sheet, lines before it) of site CSS only
        problems: list[DataError] = self._style_attributes(notices, page)
        page_dir = os.path.dirname(page)
        seen: set[str] = set()

        def add_file(site_path: str) -> None:
            site_path = os.path.normpath(site_path).replace(os.sep, "/")
            if site_path in seen:
                return
            seen.add(site_path)
            read = _read(site_dir / site_path)
            if read is None:
                return
            data, key = read
            if self.trusted.get(site_path) == key:
                return
            _, sheet = _sheet(data)
            where = self._where(site_path)
            sheets.append((where, sheet, 0))
            for url, import_line in sheet.imports:
                if "://" in url or url.startswith("//") or url.startswith("data:"):
                    problems.append(DataError(where, import_line, None,
                                              f"„@import“ lädt CSS von außerhalb der Website ({url}).",
                                              "Legen Sie die Datei in die Website und binden Sie sie von dort ein."))
                    continue
                target = url.split("?")[0].split("#")[0]
                base = "" if target.startswith("/") else os.path.dirname(site_path)
                add_file(os.path.join(base, target.lstrip("/")))

        for el in _SHEET_ELEMENTS(root):
            if el.tag == "style":
                data = (el.text or "").encode()
                _, sheet = _sheet(data)
                if not (sheet.rules or sheet.imports):
                    continue
                where, offset = self._style_origin(el.text or "", page, el.sourceline)
                sheets.append((where, sheet, offset))
                for url, _line in sheet.imports:
                    if "://" not in url and not url.startswith("//"):
                        target = url.split("?")[0].split("#")[0]
                        add_file(os.path.join("" if target.startswith("/") else page_dir, target.lstrip("/")))
                continue
            if "stylesheet" not in (el.get("rel") or "").lower().split():
                continue
            href = (el.get("href") or "").split("?")[0].split("#")[0]
            if not href or "://" in href or href.startswith("//") or href.startswith("data:"):
                continue   # other hosts are refused by the CSP check; nothing to read here
            add_file(os.path.join("" if href.startswith("/") else page_dir, href.lstrip("/")))
        if not sheets:
            return problems

        for where, sheet, offset in sheets:
            for line, selector in sheet.overlays:
                problems.append(self._error(where, line + offset, f"Die Regel „{selector}“ legt eine Ebene über die "
                                                         "Seite (position oder transform).", OVERLAY_HINT))

        own, ancestors = [], []
        for notice in notices:
            wrappers = _wrapper_path(root, notice)
            ancestors.extend(wrappers[:-1])
            own.extend(wrappers[-1].iter_subtree())
        problems += self._first_screen(root, sheets)
        overridden: list[tuple[str, Rule, Declaration, str]] = []
        reported: set[tuple] = set()
        for wrappers, is_own in ((own, True), (ancestors, False)):
            for wrapper in wrappers:
                what = _describe(wrapper, is_own)
                for where, sheet, offset in sheets:
                    for _spec, _order, _pseudo, index in sheet.matcher.match(wrapper):
                        rule = sheet.rules[index]
                        for decl in rule.declarations:
                            if decl.name.startswith("--"):
                                overridden.append((where, rule, decl, what, offset))
                                continue
                            if not _refused(decl, is_own):
                                continue
                            key = (where, decl.line, decl.name)
                            if key in reported:
                                continue
                            reported.add(key)
                            problems.append(self._error(
                                where, decl.line + offset, f"Die Regel „{rule.selector}“ setzt „{decl.name}: {decl.value}"
                                f"{' !important' if decl.important else ''}“ für {what}.", RULE_HINT))
        if overridden:
            used = self._used_variables(root, page_dir, site_dir, own + ancestors)
            for where, rule, decl, what, offset in overridden:
                key = (where, decl.line, decl.name)
                if decl.name in used and key not in reported:
                    reported.add(key)
                    problems.append(self._error(
                        where, decl.line + offset, f"Die Regel „{rule.selector}“ ändert die Variable „{decl.name}“, die "
                        f"das mitgelieferte CSS für den Förderhinweis verwendet ({what}).", RULE_HINT))
        return problems

    def _first_screen(self, root, sheets) -> list[DataError]:
        """The EU emblem must be seen without scrolling: nothing before it in the page (the language bar,
        the skip link, even <head>'s elements made visible) and none of the elements it sits in may be
        made taller or pushed apart by site CSS, or the emblem slides below the first screen."""
        strip = root.xpath("//*[@data-stadtteil-eu]")
        if not strip:
            return []
        strip = strip[0]
        containers = set(strip.iterancestors())
        before, around = [], []
        for wrapper in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
            element = wrapper.etree_element
            if element is strip:
                break
            (around if element in containers else before).append(wrapper)
        problems, reported = [], set()
        for wrappers, refused, what in ((before, _pushes_down, "ein Element vor dem EU-Emblem"),
                                        (around, _spaces_out, "ein Element, in dem das EU-Emblem steht")):
            for wrapper in wrappers:
                for where, sheet, offset in sheets:
                    for _spec, _order, _pseudo, index in sheet.matcher.match(wrapper):
                        rule = sheet.rules[index]
                        for decl in rule.declarations:
                            key = (where, decl.line, rule.selector, decl.name)
                            if key in reported or not refused(decl):
                                continue
                            reported.add(key)
                            problems.append(self._error(
                                where, decl.line + offset, f"Die Regel „{rule.selector}“ setzt „{decl.name}: "
                                f"{decl.value}“ für {what} ({_label(wrapper.etree_element)}).", FIRST_SCREEN_HINT))
        return problems

    def _style_attributes(self, notices, page: str) -> list[DataError]:
        """style="…" on the notice, inside it or around it: the same properties as in a stylesheet."""
        problems, seen = [], set()
        for notice in notices:
            for is_own, elements in ((True, [notice, *notice.iterdescendants()]), (False, notice.iterancestors())):
                for el in elements:
                    style = el.get("style") if isinstance(el.tag, str) else None
                    if not style or el in seen:
                        continue
                    seen.add(el)
                    for decl in _declarations(tinycss2.parse_component_value_list(style)):
                        if _refused(decl, is_own) or decl.name.startswith("--"):
                            problems.append(self._error(
                                f"site/{page}", el.sourceline, f"Das style-Attribut von <{el.tag}> setzt "
                                f"„{decl.name}: {decl.value}“ am Förderhinweis oder um ihn herum.", RULE_HINT))
        return problems

    def _used_variables(self, root, page_dir: str, site_dir: Path, wrappers) -> set[str]:
        """Custom properties the shipped rules reaching the notice (or its containers) refer to."""
        used: set[str] = set()
        for el in root.iter("link"):
            href = (el.get("href") or "").split("?")[0]
            site_path = os.path.normpath(os.path.join("" if href.startswith("/") else page_dir,
                                                      href.lstrip("/"))).replace(os.sep, "/")
            read = _read(site_dir / site_path) if href else None
            if read is None or self.trusted.get(site_path) != read[1]:
                continue
            _, sheet = _sheet(read[0])
            for wrapper in wrappers:
                for *_rest, index in sheet.matcher.match(wrapper):
                    for decl in sheet.rules[index].declarations:
                        used.update(_VAR.findall(decl.value))
        # `--a: var(--b)` on :root is a matched rule as well (<html> holds the notice), so an override
        # of --b that reaches the notice through --a is found too.
        return used

    @staticmethod
    def _error(where: str, line: int | None, message: str, hint: str) -> DataError:
        return DataError(where, line, None, "Förderhinweis: " + message, hint)


# Before the emblem, anything that gives a box height or space pushes the emblem down; colours may change.
_BOX_SIZE = ("display", "height", "min-height", "max-height", "block-size", "min-block-size", "max-block-size",
             "width", "min-width", "inline-size", "min-inline-size", "padding", "margin", "border", "font",
             "line-height", "content", "flex", "grid", "writing-mode", "zoom", "float", "position", "top",
             "bottom", "inset", "white-space", "word-break", "overflow-wrap", "letter-spacing", "word-spacing",
             "column", "columns", "aspect-ratio", "transform", "translate", "scale", "rotate", "visibility")


def _pushes_down(decl: Declaration) -> bool:
    return any(decl.name == f or decl.name.startswith(f + "-") for f in _BOX_SIZE)


def _spaces_out(decl: Declaration) -> bool:
    """Space above the emblem from the elements it sits in (body { padding-top: 2000px })."""
    name = decl.name
    if name.startswith(("padding", "margin", "border")) and not name.endswith(("color", "style", "radius")):
        return bool(re.search(r"[1-9]", decl.value))
    return name in ("row-gap", "gap", "grid-template-rows", "grid-auto-rows", "display", "flex-direction",
                    "align-items", "align-content", "justify-content", "place-content", "writing-mode")


def _label(el) -> str:
    classes = " ".join((el.get("class") or "").split())
    return f'<{el.tag}{f" class={chr(34)}{classes}{chr(34)}" if classes else ""}>'


def _refused(decl: Declaration, is_own: bool) -> bool:
    name = decl.name
    if name.startswith(("margin", "padding")):
        # Margins may move the notice off its place; on the notice itself none at all, around it no negative ones.
        return name.startswith("margin") and (is_own or bool(_NEGATIVE.search(decl.value)))
    if not is_own and name in ANCESTOR_ALLOWED:
        return False
    return any(name == f or name.startswith(f + "-") for f in FORBIDDEN)


def _describe(wrapper, is_own: bool) -> str:
    el = wrapper.etree_element
    if el.get("data-stadtteil-funding") is not None:
        return "die Förderleiste"
    if el.get("data-stadtteil-eu") is not None:
        return "das EU-Emblem oben"
    classes = " ".join((el.get("class") or "").split())
    label = f'<{el.tag}{f" class={chr(34)}{classes}{chr(34)}" if classes else ""}>'
    if is_own:
        return f"ein Element des Förderhinweises ({label})"
    return f"ein Element, in dem der Förderhinweis steht ({label})"


# --- what the shipped CSS itself makes of the notice (a small cascade, for the tests of the theme) ---------

def _media_query_holds(query: str, medium: str, width: float) -> bool:
    query = query.strip().lower()
    negate = query.startswith("not ")
    query = query.removeprefix("not ").removeprefix("only ").strip()
    holds = True
    for part in re.split(r"\s+and\s+", query):
        part = part.strip()
        if part in ("all", ""):
            continue
        if part in ("screen", "print"):
            holds &= part == medium
            continue
        feature = re.fullmatch(r"\((min|max)-width\s*:\s*([\d.]+)(px|em|rem)\)", part)
        if feature is None:
            holds = False   # other features (colour scheme, pointer …) are taken as not given
            continue
        limit = float(feature[2]) * (1 if feature[3] == "px" else 16)
        holds &= width >= limit if feature[1] == "min" else width <= limit
    return holds != negate


def media_holds(conditions: tuple[str, ...], medium: str, width: float) -> bool:
    """Whether nested @media conditions all hold for this medium (screen/print) and viewport width."""
    return all(any(_media_query_holds(q, medium, width) for q in condition.split(",")) for condition in conditions)


def cascaded(root, element, stylesheets: list[bytes], medium: str, width: float) -> dict[str, str]:
    """The declared value of each property on ``element`` after the cascade of these stylesheets (in order;
    no inheritance, no var() substitution): enough to see whether the theme hides or shrinks the notice."""
    wrapper = _wrapper_path(root, element)[-1]
    winners: dict[str, tuple] = {}
    for sheet_index, data in enumerate(stylesheets):
        _, sheet = _sheet(data)
        for specificity, _order, pseudo, index in sheet.matcher.match(wrapper):
            rule = sheet.rules[index]
            if pseudo or not media_holds(rule.media, medium, width):
                continue
            for position, decl in enumerate(rule.declarations):
                rank = (decl.important, specificity, sheet_index, index, position)
                if decl.name not in winners or rank > winners[decl.name][0]:
                    winners[decl.name] = (rank, decl.value)
    return {name: value for name, (_rank, value) in winners.items()}

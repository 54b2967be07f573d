"""The theme files that go with Material: the project's overrides and the images Material ships.

Here, with the adapter, because they are Material's: another engine brings its own theme.
"""

from __future__ import annotations

import json
from pathlib import Path

# The project's templates, styles, scripts and fonts, right above Material's (see plugin.on_config).
THEME_DIR = Path(__file__).resolve().parent / "theme"
THEME_IMAGES_FILE = Path(__file__).resolve().parent / "theme-images.json"


def theme_images() -> dict[str, str]:
    """Site path → sha256 of the theme's own images (Material's favicon, …): a fixed list."""
    return json.loads(THEME_IMAGES_FILE.read_text(encoding="utf-8"))


def material_templates() -> str:
    import material
    return str(Path(material.__file__).parent / "templates")

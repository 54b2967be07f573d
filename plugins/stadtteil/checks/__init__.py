"""Checks: placeholders and implausible data found before a build, what residents get checked after.

- ``production``: the placeholders ``stadtteil new`` ships, refused by a production build;
- ``plausibility``: data that is valid but probably not meant (warnings, never errors);
- ``output``: the checks on the finished site (funding notice, images, schema.org blocks);
- ``rendered``: the funding notice as a browser renders it, the site's CSS read by a CSS engine.

Engine-agnostic, like the rest of the core. The rules of the funding notice itself are in
``funding.py``, those of images in ``images/``, those of staff text in ``sanitize.py``.
"""

"""Images: no image without consent, every published photo re-encoded, nothing else in the site.

- ``photos``: all images of a build – consent verdicts, what is published, passed through or left out;
- ``variants``: a photo re-encoded into its published widths and formats (cached), and its ``<picture>``;
- ``in_pages``: images in hand-written pages, made responsive or taken out;
- ``output_check``: the finished site holds and names only allowed images.

Engine-agnostic, like the rest of the core. What a file is, is told by its bytes (``filekind.py``).
"""

"""A video file's resolution read from its container's headers (Matroska, MP4, AVI, ...), for
files whose name says nothing of their quality.

``hachoir`` reads the headers: pure Python (no native library, unlike ``pymediainfo``), well
kept, and it stops at the headers (the size of the file does not matter). Reading never raises:
a file it cannot read has no resolution (``None``), and the caller says "Unknown".
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def resolution_class(width: int, height: int) -> int | None:
    """The resolution class (2160, 1080, 720, 576 or 480) of a ``width`` x ``height`` picture
    in pixels, by its width first, as a wide film (1920x800) is 1080p; None for no size."""
    if width <= 0 and height <= 0:
        return None
    if width >= 3200 or height >= 2000:
        return 2160
    if width >= 1800 or height >= 1000:
        return 1080
    if width >= 1200 or height >= 700:
        return 720
    if height >= 560:
        return 576
    return 480


def video_resolution(path: str | os.PathLike[str]) -> int | None:
    """The resolution class of the first video stream of the file at ``path``, read from its
    container's headers; None when the file cannot be read or shows no picture size."""
    try:
        from hachoir.core import config as hachoir_config
        from hachoir.metadata import extractMetadata
        from hachoir.parser import createParser

        hachoir_config.quiet = True
        parser = createParser(os.fspath(path))
        if parser is None:
            return None
        with parser:
            metadata = extractMetadata(parser)
        if metadata is None:
            return None
        width = height = 0
        for data in (metadata, *_groups(metadata)):
            if data.has("width") and data.has("height"):
                width, height = int(data.get("width")), int(data.get("height"))
                break
        return resolution_class(width, height)
    except Exception as exc:  # a broken or hostile file: no resolution, never a crash
        log.debug("cannot read the container of %s: %s", path, exc)
        return None


def _groups(metadata) -> list:
    """The metadata's stream groups (hachoir's MultipleMetadata), video streams first."""
    try:
        groups = list(metadata.iterGroups())
    except AttributeError:
        return []
    return sorted(groups, key=lambda g: not g.header.lower().startswith("video"))

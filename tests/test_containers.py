"""A video's resolution from its container (mydia_tui.containers), and where the library uses
it: the quality of a file whose name says nothing (the scan, the importer's loop guard)."""

from __future__ import annotations

import pytest
from mkv import mkv_bytes

from mydia_tui import upgrades
from mydia_tui.config import Config, LibraryConfig
from mydia_tui.containers import resolution_class, video_resolution
from mydia_tui.library import add_movie, sync_roots
from mydia_tui.models import MediaFile
from mydia_tui.scanning.service import scan_library


@pytest.mark.parametrize(
    ("width", "height", "resolution"),
    [
        (3840, 2160, 2160),
        (1920, 1080, 1080),
        (1920, 800, 1080),
        (1280, 720, 720),
        (1280, 534, 720),
        (720, 576, 576),
        (720, 480, 480),
        (0, 0, None),
    ],
)
def test_resolution_class_goes_by_width_first(width, height, resolution):
    assert resolution_class(width, height) == resolution


@pytest.mark.parametrize(("width", "height", "resolution"), [(1280, 720, 720), (1920, 800, 1080)])
def test_the_resolution_is_read_from_a_matroska_header(tmp_path, width, height, resolution):
    path = tmp_path / "movie.mkv"
    path.write_bytes(mkv_bytes(width, height, padding=4096))
    assert video_resolution(path) == resolution


def test_a_file_that_is_no_container_has_no_resolution(tmp_path):
    junk = tmp_path / "movie.mkv"
    junk.write_bytes(b"\x1a\x45\xdf\xa3 not really" * 50)
    assert video_resolution(junk) is None
    assert video_resolution(tmp_path / "absent.mkv") is None
    assert upgrades.container_quality(junk) == "Unknown"


def test_a_files_quality_falls_back_to_its_container(tmp_path):
    plain = tmp_path / "bbb.mkv"
    plain.write_bytes(mkv_bytes(1280, 720))
    # the name says nothing: the container's 720p, though the release claimed 1080p
    fq = upgrades.file_quality(plain, release="Bluray-1080p")
    assert (fq.quality, fq.source) == ("HDTV-720p", "container")
    # a release of the container's resolution says more of the same file
    fq = upgrades.file_quality(plain, release="WEBDL-720p")
    assert (fq.quality, fq.source) == ("WEBDL-720p", "release")
    # the name wins over the container
    named = tmp_path / "Big.Buck.Bunny.2008.1080p.BluRay.mkv"
    named.write_bytes(mkv_bytes(1280, 720))
    assert upgrades.file_quality(named).quality == "Bluray-1080p"


def test_the_scan_reads_a_nameless_files_quality_from_its_container(db, tmp_path):
    movies = tmp_path / "movies"
    (movies / "Sintel (2010)").mkdir(parents=True)
    (movies / "Sintel (2010)" / "Sintel (2010).mkv").write_bytes(mkv_bytes(1920, 1080))
    (movies / "Big Buck Bunny (2008)").mkdir()
    (movies / "Big Buck Bunny (2008)" / "Big Buck Bunny (2008).mkv").write_bytes(b"no header")
    sync_roots((str(movies),), ())
    add_movie("Sintel", 2010)
    add_movie("Big Buck Bunny", 2008)
    scan_library(Config(library=LibraryConfig(movies=(str(movies),))))
    qualities = {f.path: f.quality for f in MediaFile.select()}
    assert qualities == {
        "Sintel (2010)/Sintel (2010).mkv": "HDTV-1080p",
        "Big Buck Bunny (2008)/Big Buck Bunny (2008).mkv": "",  # unknown: said plainly
    }

"""The Blender extension zip carries the PEP 561 marker (a scripter type-checks against the installed
extension, scripting.md's import helper) and still builds: the marker is our own empty file, not an
asset of unknown provenance (review rv38c, finding 3)."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402


def test_the_zip_builds_with_the_marker_at_its_root(tool, checkout, tmp_path):
    assert (checkout / "py.typed").is_file()  # the builder's view of the checkout holds it
    built = build_extension.build(tool, tmp_path / "dist", source=checkout)
    assert "py.typed" in zipfile.ZipFile(built).namelist()
    assert build_extension.unrecorded_assets(built, checkout) == []

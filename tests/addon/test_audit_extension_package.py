"""A packager builds the zip from a checkout where they also ran things: the builder ships only
files whose provenance docs/ASSETS.md records, so a stray corpus or demo render never ships."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402


def test_a_clean_checkout_builds_and_every_asset_in_the_zip_is_recorded(tool, checkout, tmp_path):
    built = build_extension.build(tool, tmp_path / "dist", source=checkout)
    names = zipfile.ZipFile(built).namelist()
    assert "assets/demo_dialogue.flac" in names and "inference/models/lite/weights/lite_v3.pt" in names
    assert build_extension.unrecorded_assets(built, checkout) == []
    # the manifest says GPL-3.0-or-later: the licence's text travels with the code
    assert (
        "GNU GENERAL PUBLIC LICENSE\n                       Version 3"
        in zipfile.ZipFile(built).read("LICENSE").decode()
    )


def test_a_synth_corpus_left_in_the_checkout_stops_the_build(tool, checkout, tmp_path):
    # `python -m dualtalk synth --out corpus`, run from the checkout as the README writes it
    (checkout / "corpus").mkdir()
    (checkout / "corpus" / "d000_speaker1.wav").write_bytes(b"RIFF" + bytes(4000))
    with pytest.raises(SystemExit, match=r"corpus/d000_speaker1\.wav") as refused:
        build_extension.build(tool, tmp_path / "dist", source=checkout)
    assert len(str(refused.value).splitlines()) == 1 and str(refused.value).startswith("error:")
    assert not list((tmp_path / "dist").glob("*.zip"))  # no zip of unknown content is left to ship


def test_weights_swapped_without_updating_their_record_stop_the_build(tool, checkout, tmp_path):
    weights = checkout / "inference" / "models" / "lite" / "weights" / "lite_v3.pt"
    data = weights.read_bytes()
    weights.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit of a retrained file differs
    with pytest.raises(SystemExit, match="lite_v3.pt .sha256 differs"):
        build_extension.build(tool, tmp_path / "dist", source=checkout)


def test_the_network_permission_the_user_approves_names_the_package_download(tmp_path):
    """Install Dependencies pip-installs torch and friends from the package index: the reason
    Blender shows before install must say so, not only the checkpoint download."""
    import tomllib

    from dualtalk.dualtalk_blender.addon.deps import PACKAGES, install_steps

    argv = dict(install_steps(tmp_path / "venv"))["install packages"]
    assert argv[1:4] == ["-m", "pip", "install"] and set(PACKAGES) <= set(argv)
    reason = tomllib.loads((REPO / "blender_manifest.toml").read_text())["permissions"]["network"]
    assert "packages" in reason.lower() and "checkpoint" in reason.lower()

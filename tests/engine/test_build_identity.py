"""Which build made this? Every build said 0.1.0 (review 33u F4): Blender's Extensions list showed
the same version for every build, a bug report could not name its build, and a take recorded the
weights that made it but not the build. Now the version moves at each release, and a build id
(version + a fingerprint of the shipped files, read from the files: an installed extension has no
git) is printed by ``--version``, shown in the preferences and recorded by every take."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk import __version__
from dualtalk.cli import main
from dualtalk.inference import build_info
from dualtalk.inference.core.motion import Motion, load_motion

REPO = Path(__file__).resolve().parents[2]
BUILD = re.compile(r"(\d+\.\d+\.\d+)\+([0-9a-f]{12})")


def test_the_release_moved_past_0_1_0_and_the_manifest_the_package_and_pip_agree():
    manifest = tomllib.loads((REPO / "blender_manifest.toml").read_text())
    assert manifest["version"] == __version__  # what Blender shows is what Python says
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["version"] == __version__  # ... and what pip says
    release = tuple(int(x) for x in __version__.split("."))
    assert release > (0, 1, 0)  # every build up to 2026-12-06 said 0.1.0


def test_version_prints_the_build_a_bug_report_can_name(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == f"DualTalk {__version__} (build {build_info.build_id()})"
    found = BUILD.fullmatch(build_info.build_id())
    assert found and found.group(1) == __version__
    assert build_info.source_fingerprint().startswith(found.group(2))


def test_a_changed_line_of_code_is_another_build_a_changed_word_of_the_docs_is_not(checkout):
    """``checkout``: what the extension builder reads (tests, bench, training, dot files left out)."""
    # a module being written and not yet added to git is no part of this checkout's build, but the
    # copy has no git to ask: it would count there (tests/engine/test_build_identity_untracked.py)
    for rel in set(build_info.fingerprinted_files(checkout)) - set(build_info.fingerprinted_files(REPO)):
        (checkout / rel).unlink()
    here = build_info.source_fingerprint(REPO)
    assert build_info.source_fingerprint(checkout) == here  # the checkout's tools are not the build
    readme = checkout / "README.md"
    readme.write_text(readme.read_text() + "\nA line of words.\n")
    (checkout / "tests").mkdir(exist_ok=True)
    (checkout / "tests" / "test_new.py").write_text("def test_x():\n    pass\n")
    (checkout / "inference" / "__pycache__").mkdir(exist_ok=True)
    (checkout / "inference" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0" * 10)
    windows = checkout / "inference" / "build_info.py"
    windows.write_bytes(windows.read_bytes().replace(b"\n", b"\r\n"))  # a Windows checkout
    assert build_info.source_fingerprint(checkout) == here

    generate = checkout / "inference" / "generate.py"
    generate.write_text(generate.read_text().replace("overlap / runner.fps", "overlap / runner.fps * 1.0"))
    assert build_info.source_fingerprint(checkout) != here  # a patched engine is another build


@pytest.mark.slow
def test_the_installed_extension_zip_is_the_same_build_without_git(tool, checkout, tmp_path):
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import build_extension

    built = build_extension.build(tool, tmp_path / "dist", source=checkout)
    assert (
        built.name == f"dualtalk-{__version__}.zip"
    )  # the zip (and Blender's Extensions list) names the release
    installed = tmp_path / "extensions" / "dualtalk"
    zipfile.ZipFile(built).extractall(installed)
    assert not (installed / ".git").exists()
    assert build_info.source_fingerprint(installed) == build_info.source_fingerprint(checkout)


def _dialogue(path: Path) -> Path:
    sr = 16000
    t = np.arange(2 * sr) / sr
    a = np.where(t < 1, 0.3 * np.sin(2 * np.pi * 220 * t), 0.0)
    b = np.where(t >= 1, 0.3 * np.sin(2 * np.pi * 150 * t), 0.0)
    sf.write(path, np.stack([a, b], 1).astype(np.float32), sr)
    return path


def test_an_infer_take_records_the_build_that_made_it(tmp_path, capsys):
    out = tmp_path / "take"
    rc = main(["infer", "--quiet", "--audio", str(_dialogue(tmp_path / "talk.wav")), "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    for name in ("A.npz", "B.npz"):
        motion = load_motion(out / name)
        assert motion.meta["build"] == build_info.build_id()
        from dualtalk.inference.core.take_record import made_by

        assert made_by(motion) == build_info.build_id()


def test_the_keyed_take_records_this_build_and_the_motion_files_build():
    from dualtalk.dualtalk_blender.rig.plan import take_meta

    older = Motion("arkit55", np.zeros((10, 55), np.float32), role="A", meta={"name": "A"})
    newer = Motion("arkit55", np.zeros((10, 55), np.float32), role="A", meta={"build": "0.2.0+0123456789ab"})
    faked = Motion("arkit55", np.zeros((10, 55), np.float32), role="A", meta={"build": ["not", "text"]})
    rests: dict[str, list[float]] = {}
    for motion, said in ((older, ""), (newer, "0.2.0+0123456789ab"), (faked, "")):
        meta = take_meta(motion, "take", "Alice", rests, 25.0, 1)
        assert meta["build"] == build_info.build_id()  # the build that keyed it
        assert meta["motion_build"] == said  # the build its motion files say made them

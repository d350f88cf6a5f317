"""A developer's checkout used as the add-on (scripts/setup.sh) collects what a user writes into it:
a render (``take.mp4``), a ``shot.blend``, a downloaded checkpoint. Naming the build (every take,
``--version``, the preferences' first draw) read each such file whole into memory: a 2 GB render cost
17-29 s and 2 GB of memory per run, and the same build got another id. Now only what the extension
build ships counts (code, the two manifests, the assets docs/ASSETS.md records; the build refuses
anything else), each file read in chunks, and one too large to read counts by its size.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.inference import build_info

MEMORY_BOUND = """
import resource, sys
from pathlib import Path
from dualtalk.inference import build_info
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), hard))
print(build_info.source_fingerprint(Path(sys.argv[1])))
"""


def test_a_render_a_blend_and_a_checkpoint_left_in_the_checkout_are_the_same_build(checkout):
    here = build_info.source_fingerprint(checkout)
    (checkout / "renders").mkdir()
    (checkout / "renders" / "take.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + bytes(4096))
    (checkout / "shot.blend").write_bytes(b"BLENDER-v500" + bytes(4096))
    (checkout / "inference" / "models" / "downloaded.pth").write_bytes(b"PK\3\4" + bytes(4096))
    assert build_info.source_fingerprint(checkout) == here  # before: three other ids


def test_a_venv_made_inside_the_checkout_is_the_same_build(checkout):
    here = build_info.source_fingerprint(checkout)
    for env in ("venv", "env"):  # python -m venv venv / virtualenv env
        site = checkout / env / "lib" / "python3.11" / "site-packages" / "six.py"
        site.parent.mkdir(parents=True)
        site.write_text("# a package a developer installed\n")
        assert build_info.source_fingerprint(checkout) == here


def test_a_recorded_asset_and_the_manifest_still_make_another_build(checkout):
    here = build_info.source_fingerprint(checkout)
    weights = checkout / "inference" / "models" / "lite" / "weights" / "lite_v3.pt"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    retrained = build_info.source_fingerprint(checkout)
    assert retrained != here  # other weights are another build
    manifest = checkout / "blender_manifest.toml"
    manifest.write_text(manifest.read_text() + "\n# a comment\n")
    assert build_info.source_fingerprint(checkout) != retrained


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")
def test_a_2_gb_render_in_the_checkout_is_not_read_into_memory(checkout):
    (checkout / "renders").mkdir()
    render = checkout / "renders" / "take.mp4"
    with open(render, "wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: no disk used
    big_code = checkout / "inference" / "huge_generated.py"  # shipped, but too big to read each run
    with open(big_code, "wb") as fh:
        fh.truncate(256 * 1024**2)
    # a child whose address space is bounded well below the render's size
    proc = subprocess.run(
        [sys.executable, "-c", MEMORY_BOUND, str(checkout), str(1536 * 1024**2)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]  # before: MemoryError reading take.mp4
    big_code.unlink()
    render.unlink()
    with_big = proc.stdout.strip()
    assert len(with_big) == 64 and with_big != build_info.source_fingerprint(checkout)


def test_which_files_count_is_the_extension_builds_rule():
    """The package's own files: code, manifests and recorded assets; words and tools do not count."""
    root = Path(build_info.PACKAGE_ROOT)
    counted = build_info.fingerprinted_files(root)
    assert "blender_manifest.toml" in counted and "assets/demo_dialogue.flac" in counted
    assert "inference/build_info.py" in counted
    assert not [f for f in counted if f.endswith((".md", "LICENSE")) or f.startswith(("tests/", "scripts/"))]

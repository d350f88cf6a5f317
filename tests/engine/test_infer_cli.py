"""``python -m dualtalk infer`` as a user runs it: paper mode, dialogue mode, and clear refusals."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
import torch
from dualtalk.cli import main
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.motion import load_motion


@pytest.fixture(scope="module")
def stereo(tmp_path_factory, demo_clip):
    """The first 6 s of the real clip as one stereo file: channel 0 = A (speaker 1), 1 = B."""
    a, sr = sf.read(demo_clip["wav1"], dtype="float32")
    b, _ = sf.read(demo_clip["wav2"], dtype="float32")
    path = tmp_path_factory.mktemp("audio") / "talk.wav"
    sf.write(path, np.stack([a[: 6 * sr], b[: 6 * sr]], axis=1), sr)
    return path


def test_paper_mode_writes_the_dataset_layout(tmp_path, tiny_checkpoint, demo_clip):
    out = tmp_path / "pred.npz"
    proc = subprocess.run(
        [
            sys.executable, "-m", "dualtalk", "infer", "--quiet",
            "--audio", str(demo_clip["wav1"]),
            "--partner-audio", str(demo_clip["wav2"]),
            "--partner-motion", str(demo_clip["npz2"]),
            "--checkpoint", str(tiny_checkpoint), "--device", "cpu",
            "--out", str(out),
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and "588 frames" in proc.stdout
    with np.load(out) as data:
        assert data["exp"].shape == (588, 50) and data["pose"].shape == (588, 6)
        assert float(data["fps"]) == 25.0
    motion = load_motion(out)
    assert motion.engine == "dualtalk" and motion.checkpoint_sha256 == sha256_file(tiny_checkpoint)


def test_dialogue_mode_writes_a_and_b(tmp_path, tiny_checkpoint, stereo, capsys):
    out = tmp_path / "scene1"
    rc = main(
        [
            "infer",
            "--quiet",
            "--audio",
            str(stereo),
            "--checkpoint",
            str(tiny_checkpoint),
            "--rounds",
            "2",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert "A.npz" in summary and "150 frames" in summary and "2 rounds" in summary
    a, b = load_motion(out / "A.npz"), load_motion(out / "B.npz")
    assert (a.role, b.role) == ("A", "B") and a.num_frames == b.num_frames == 150
    assert a.speaking.any()  # speaker 1 talks at the start of the clip


def test_swap_exchanges_the_characters(tmp_path, tiny_checkpoint, stereo):
    assert (
        main(
            [
                "infer",
                "--quiet",
                "--audio",
                str(stereo),
                "--checkpoint",
                str(tiny_checkpoint),
                "--rounds",
                "1",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "infer",
                "--quiet",
                "--audio",
                str(stereo),
                "--swap",
                "--checkpoint",
                str(tiny_checkpoint),
                "--rounds",
                "1",
                "--out",
                str(tmp_path / "y"),
            ]
        )
        == 0
    )
    # A of the swapped take speaks when B of the original does
    assert np.array_equal(
        load_motion(tmp_path / "y" / "A.npz").speaking, load_motion(tmp_path / "x" / "B.npz").speaking
    )


def _fails(capsys, argv: list[str], match: str) -> None:
    rc = main(argv)
    lines = capsys.readouterr().err.strip().splitlines()
    assert rc == 2, lines
    errors = [line for line in lines if line.startswith("error")]
    assert len(errors) == 1 and lines[-1] == errors[0]  # one line, after any progress lines
    assert match in errors[0], errors[0]


def test_paper_mode_needs_all_three_inputs(tmp_path, tiny_checkpoint, demo_clip, capsys):
    out = tmp_path / "pred.npz"
    _fails(
        capsys,
        [
            "infer",
            "--audio",
            str(demo_clip["wav1"]),
            "--partner-audio",
            str(demo_clip["wav2"]),
            "--checkpoint",
            str(tiny_checkpoint),
            "--out",
            str(out),
        ],
        "--partner-motion",
    )
    assert not out.exists()


def test_dialogue_mode_refuses_a_file_as_output(tmp_path, tiny_checkpoint, stereo, capsys):
    _fails(
        capsys,
        [
            "infer",
            "--audio",
            str(stereo),
            "--checkpoint",
            str(tiny_checkpoint),
            "--out",
            str(tmp_path / "a.npz"),
        ],
        "folder",
    )
    assert list(tmp_path.iterdir()) == []


def test_broken_checkpoint_is_one_line_and_writes_nothing(tmp_path, stereo, capsys):
    bad = tmp_path / "DualTalk.pth"
    bad.write_bytes(b"not weights")
    out = tmp_path / "out"
    _fails(
        capsys,
        ["infer", "--audio", str(stereo), "--checkpoint", str(bad), "--out", str(out)],
        "not a readable",
    )
    assert not (out / "A.npz").exists()


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--rounds", "0"], "--rounds"),
        (["--window", "0.5"], "too short"),
        (["--precision", "fp16", "--device", "cpu"], "CUDA"),
    ],
)
def test_bad_options_are_refused(tmp_path, tiny_checkpoint, stereo, capsys, extra, match):
    _fails(
        capsys,
        [
            "infer",
            "--audio",
            str(stereo),
            "--checkpoint",
            str(tiny_checkpoint),
            "--out",
            str(tmp_path / "o"),
            *extra,
        ],
        match,
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_cuda_without_a_gpu_is_explained(tmp_path, tiny_checkpoint, stereo, capsys):
    _fails(
        capsys,
        [
            "infer",
            "--audio",
            str(stereo),
            "--checkpoint",
            str(tiny_checkpoint),
            "--device",
            "cuda",
            "--out",
            str(tmp_path / "o"),
        ],
        "no CUDA",
    )


def test_published_engine_without_checkpoint_says_where_to_get_it(tmp_path, stereo, capsys):
    _fails(
        capsys,
        ["infer", "--audio", str(stereo), "--engine", "dualtalk", "--out", str(tmp_path / "o")],
        "download",
    )


def test_without_a_checkpoint_the_embedded_lite_model_animates(tmp_path, stereo, capsys):
    from dualtalk.inference.models.lite.model import DEFAULT_WEIGHTS

    if not DEFAULT_WEIGHTS.is_file():
        pytest.skip("lite weights not in this checkout")
    assert main(["infer", "--quiet", "--audio", str(stereo), "--out", str(tmp_path / "lite")]) == 0
    assert "lite engine" in capsys.readouterr().out
    a = load_motion(tmp_path / "lite" / "A.npz")
    assert a.space == "arkit55" and a.engine == "lite" and a.checkpoint_sha256 == sha256_file(DEFAULT_WEIGHTS)

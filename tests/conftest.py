"""Shared fixtures: paths to the team's reference data and small generated inputs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEMO_DIR = SHARED / "data" / "dualtalk_demo"
DEMO_STEM = "UbjUDM1MiGE_sub_video_72"


@pytest.fixture(scope="session", autouse=True)
def _session_dualtalk_home(tmp_path_factory):
    """The run's own DUALTALK_HOME, for module and session fixtures: ``--recognise`` keeps what it
    heard under ``$DUALTALK_HOME/recognised/``, and a test run must not write into the user's
    ~/.cache (nor read words a user's runs left there)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUALTALK_HOME", str(tmp_path_factory.mktemp("dualtalk_home")))
        yield


@pytest.fixture(autouse=True)
def _own_dualtalk_home(tmp_path_factory):
    """Each test its own DUALTALK_HOME (workers and command lines it starts inherit it): one test's
    recognised words are never read back by the next, so a test that counts or cancels recognition
    sees it run. A MonkeyPatch of its own, not the test's ``monkeypatch``: taken first here, the
    test's patches would be undone after its other fixtures' teardown (the add-on's disable ran
    with a test's stand-ins still in place and left the add-on registered)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUALTALK_HOME", str(tmp_path_factory.mktemp("dualtalk_home")))
        yield


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (team reference data) is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def demo_clip(shared_dir: Path) -> dict[str, Path]:
    """The real DualTalk clip: both speakers' audio and speaker 2's FLAME motion."""
    return {
        "wav1": DEMO_DIR / f"{DEMO_STEM}_speaker1.wav",
        "wav2": DEMO_DIR / f"{DEMO_STEM}_speaker2.wav",
        "npz2": DEMO_DIR / f"{DEMO_STEM}_speaker2.npz",
    }


@pytest.fixture(scope="session")
def official_shapes(shared_dir: Path) -> Path:
    return shared_dir / "dualtalk" / "official_state_dict_shapes.json"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture
def umask_002():
    """A group-shared farm folder's umask (files 0o664): lock files another user of the group must open."""
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(scope="session")
def tool() -> Path:
    """Blender's extension builder, as ``scripts/build_extension.py`` finds it."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import build_extension

    return build_extension.find_blender_ext()


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of what the extension builder reads (the checkout less tests, training, bench, scripts,
    dot files; docs/ASSETS.md included), for cases that plant or change files in it."""
    from extension_checkout import copy_checkout

    return copy_checkout(tmp_path)


@pytest.fixture
def no_encoder(monkeypatch):
    """As without the voice encoder's wheel (resemblyzer; a fresh add-on venv)."""
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name.split(".")[0] == "resemblyzer" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """A tiny random DualTalk checkpoint (seed 0), saved as a user's ``.pth`` is, so its sha256 and
    loading are real; one per test module (a module may damage its copy)."""
    torch = pytest.importorskip("torch")
    from dualtalk.inference.checkpoint import save_dualtalk
    from dualtalk.inference.models.dualtalk_net import DualTalkConfig, DualTalkNet

    torch.manual_seed(0)
    return save_dualtalk(
        tmp_path_factory.mktemp("ckpt") / "DualTalk_tiny.pth", DualTalkNet(DualTalkConfig.tiny())
    )

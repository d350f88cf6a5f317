"""A user points training at a DualTalk-format folder: what the model gets to see."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio import load_speech
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import load_motion
from dualtalk.training.dataset import (
    SAMPLES_PER_FRAME,
    DualTalkDataset,
    collate,
    find_conversations,
    load_conversations,
    normalise_audio,
    split_conversations,
)
from train_data import make_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_folder(tmp_path_factory.mktemp("data") / "train", conversations=2, seconds=2.0)


def test_finds_complete_conversations_and_skips_incomplete_ones(folder, tmp_path):
    found = find_conversations(folder)
    assert [stem for stem, _ in found] == ["conv0", "conv1"]
    # A stem missing its second speaker's motion is not a conversation.
    (folder / "lonely_speaker1.wav").write_bytes((folder / "conv0_speaker1.wav").read_bytes())
    (folder / "lonely_speaker1.npz").write_bytes((folder / "conv0_speaker1.npz").read_bytes())
    try:
        assert [stem for stem, _ in find_conversations(folder)] == ["conv0", "conv1"]
    finally:
        (folder / "lonely_speaker1.wav").unlink()
        (folder / "lonely_speaker1.npz").unlink()


def test_empty_or_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DualTalkError, match="no conversations"):
        find_conversations(tmp_path)
    with pytest.raises(DualTalkError, match="not found"):
        find_conversations(tmp_path / "nope")


def test_conversation_holds_normalised_audio_aligned_to_motion(folder):
    conv = load_conversations(folder)[0]
    assert conv.space == "flame56" and conv.num_frames == 50
    raw = load_speech(folder / "conv0_speaker1.wav")
    assert len(conv.audio[0]) == conv.num_frames * SAMPLES_PER_FRAME
    np.testing.assert_allclose(conv.audio[0], normalise_audio(raw)[: len(conv.audio[0])], atol=1e-6)
    assert abs(conv.audio[0].mean()) < 1e-3 and abs(conv.audio[0].std() - 1) < 1e-3
    # The dataset layout pose is [neck, jaw]; the model order is [exp, jaw, neck].
    gt = np.load(folder / "conv0_speaker1.npz")
    np.testing.assert_array_equal(conv.motion[0][:, 50:53], gt["pose"][:, 3:6])
    np.testing.assert_array_equal(conv.motion[0][:, 53:56], gt["pose"][:, 0:3])


def test_every_conversation_trains_both_directions(folder):
    ds = DualTalkDataset(folder, crop_frames=25, random_crop=False)
    conv = ds.conversations[0]
    assert len(ds) == 2 * 2 * 2  # conversations x directions x windows
    as_speaker2 = next(ds[i] for i in range(len(ds)) if ds[i]["name"] == "conv0_speaker2@25")
    np.testing.assert_array_equal(as_speaker2["motion_self"], conv.motion[1][25:50])
    np.testing.assert_array_equal(as_speaker2["motion_partner"], conv.motion[0][25:50])
    np.testing.assert_array_equal(as_speaker2["audio_self"], conv.audio[1][25 * 640 : 50 * 640])
    np.testing.assert_array_equal(as_speaker2["audio_partner"], conv.audio[0][25 * 640 : 50 * 640])


def test_random_crops_are_reproducible_per_epoch_and_change_between_epochs(folder):
    a = DualTalkDataset(folder, crop_frames=10, seed=3)
    b = DualTalkDataset(folder, crop_frames=10, seed=3)
    starts = [a[i]["name"] for i in range(len(a))]
    assert starts == [b[i]["name"] for i in range(len(b))]
    assert all(len(a[i]["motion_self"]) == 10 and len(a[i]["audio_self"]) == 6400 for i in range(len(a)))
    a.set_epoch(1)
    assert [a[i]["name"] for i in range(len(a))] != starts


def test_our_arkit_motion_files_train_too_but_spaces_never_mix(tmp_path):
    arkit = make_folder(tmp_path / "arkit", conversations=1, space="arkit55", layout="motion")
    ds = DualTalkDataset(arkit, crop_frames=20)
    assert ds.space == "arkit55" and ds[0]["motion_self"].shape == (20, 55)
    with pytest.raises(DualTalkError, match="arkit55"):
        DualTalkDataset(arkit, space="flame56")
    flame = make_folder(tmp_path / "flame", conversations=1, layout="motion")
    mixed = load_conversations(arkit) + load_conversations(flame)
    with pytest.raises(DualTalkError, match="mix"):
        DualTalkDataset(mixed)
    assert load_motion(flame / "conv0_speaker1.npz").space == "flame56"


def test_short_clips_are_padded_and_masked_in_a_batch(folder):
    ds = DualTalkDataset(folder, crop_frames=30, random_crop=False)
    full, tail = ds[0], ds[1]  # windows 0..30 and 30..50
    assert len(tail["motion_self"]) == 20
    batch = collate([full, tail])
    assert batch["motion_self"].shape == (2, 30, 56) and batch["audio_self"].shape == (2, 30 * 640)
    assert batch["mask"][0].all() and batch["mask"][1].sum() == 20
    assert float(batch["motion_self"][1, 20:].abs().sum()) == 0.0


def test_validation_split_holds_out_whole_conversations(folder):
    convs = load_conversations(folder)
    train, val = split_conversations(convs, 0.5, seed=0)
    assert len(train) == 1 and len(val) == 1 and train[0].stem != val[0].stem
    with pytest.raises(DualTalkError):
        split_conversations(convs, 1.0)


def test_mismatched_fps_is_refused(tmp_path):
    from dualtalk.inference.core.motion import Motion, save_motion

    root = make_folder(tmp_path / "d", conversations=1, layout="motion")
    m = load_motion(root / "conv0_speaker2.npz")
    m.fps = 30.0
    save_motion(root / "conv0_speaker2.npz", m)
    with pytest.raises(DualTalkError, match="30 fps"):
        load_conversations(root)
    assert isinstance(m, Motion)


def test_a_broken_recording_names_the_file(tmp_path):
    root = make_folder(tmp_path / "d", conversations=1)
    (root / "conv0_speaker2.wav").write_bytes(b"RIFF but not really a wave file")
    with pytest.raises(DualTalkError, match="conv0_speaker2.wav"):
        load_conversations(root)


def test_a_corpus_too_big_for_memory_streams_the_same_crops_from_disk(folder):
    from dualtalk.training.dataset import StreamedAudio

    eager = DualTalkDataset(load_conversations(folder, stream=False), crop_frames=20, seed=1)
    lazy = DualTalkDataset(load_conversations(folder, stream=True), crop_frames=20, seed=1)
    assert isinstance(lazy.conversations[0].audio[0], StreamedAudio)
    assert isinstance(eager.conversations[0].audio[0], np.ndarray)
    for i in range(len(eager)):
        a, b = eager[i], lazy[i]
        assert a["name"] == b["name"]
        np.testing.assert_allclose(b["audio_self"], a["audio_self"], atol=1e-4)
        np.testing.assert_allclose(b["audio_partner"], a["audio_partner"], atol=1e-4)
        np.testing.assert_array_equal(b["motion_self"], a["motion_self"])
    whole = np.asarray(lazy.conversations[0].audio[1])
    np.testing.assert_allclose(whole, eager.conversations[0].audio[1], atol=1e-4)


def test_other_sample_rates_are_resampled_even_when_streaming(tmp_path):
    import soundfile as sf

    root = make_folder(tmp_path / "d", conversations=1)
    x, sr = sf.read(root / "conv0_speaker1.wav", dtype="float32")
    from scipy.signal import resample_poly

    sf.write(
        root / "conv0_speaker1.wav", resample_poly(x, 441, 160).astype(np.float32), 44100, subtype="FLOAT"
    )
    conv = load_conversations(root, stream=True)[0]
    assert isinstance(conv.audio[0], np.ndarray)  # read whole and resampled to 16 kHz
    assert conv.num_frames == 50 and len(conv.audio[0]) == 50 * SAMPLES_PER_FRAME


def test_a_corrupt_motion_file_names_the_file(tmp_path):
    root = make_folder(tmp_path / "d", conversations=1)
    (root / "conv0_speaker1.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DualTalkError, match="conv0_speaker1.npz"):
        load_conversations(root)

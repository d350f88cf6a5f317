"""Where each motion frame hears its audio: the encoder's feature reading.

v1-v3 weights resample the conv frames onto the motion frames ("stretch"), so the sound a frame
hears slides 40 ms across every window. "centre" reads every frame at its own centre, the same
in the first and the last second of a take. Old files keep their reading; the reading is part of
the weights' config and survives a save.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.models.lite.features import ConvAudioEncoder, read_at_centres
from dualtalk.inference.models.lite.model import (
    DEFAULT_WEIGHTS,
    LiteConfig,
    LiteDualTalk,
    lite_config_from_payload,
    load_lite,
    save_lite,
)

TINY = LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2)
SR = 16000


def _click_response(reading: str, frames: int, click_frame: int) -> int:
    """Index of the motion frame whose features a click in the middle of ``click_frame`` moves most."""
    torch.manual_seed(0)
    enc = ConvAudioEncoder(n_mels=64, dim=16, dropout=0.0, reading=reading).eval()
    n = frames * SR // 25
    quiet = torch.zeros(1, n)
    click = quiet.clone()
    centre = int((click_frame + 0.5) * SR / 25)
    click[0, centre - 40 : centre + 40] = torch.hann_window(80) * 0.9
    with torch.no_grad():
        diff = (enc(click, frames) - enc(quiet, frames)).abs().sum(-1)[0]
    return int(diff.argmax())


def test_a_centred_reading_hears_a_click_in_its_own_frame_anywhere_in_a_long_window():
    for frames in (50, 750):
        for at in (2, frames // 2, frames - 3):
            assert _click_response("centre", frames, at) == at, (frames, at)


def test_reading_at_centres_is_position_i_plus_a_half_between_conv_frames():
    x = torch.arange(6, dtype=torch.float32).view(1, 1, 6) * 10.0  # conv frame j holds 10 j
    got = read_at_centres(x, 6)[0, 0]
    # frame i reads position i + 0.5: halfway between conv frames, the last one held past the end
    assert got.tolist() == [5.0, 15.0, 25.0, 35.0, 45.0, 50.0]


def test_the_stretched_reading_drifts_across_a_window_and_the_centred_one_does_not():
    x = torch.arange(101, dtype=torch.float32).view(1, 1, 101)  # conv frame j holds j
    stretched = torch.nn.functional.interpolate(x, size=100, mode="linear", align_corners=False)[0, 0]
    centred = read_at_centres(x, 100)[0, 0]
    offsets_stretched = stretched - torch.arange(100)
    offsets_centred = centred - torch.arange(100)
    assert offsets_stretched[-1] - offsets_stretched[0] > 0.95  # one conv frame = 40 ms of drift
    assert torch.allclose(offsets_centred[:-1], torch.full((99,), 0.5))


def test_shipped_weights_keep_their_stretched_reading():
    model, _ = load_lite(DEFAULT_WEIGHTS)
    assert model.cfg.feature_reading == "stretch"
    assert model.self_encoder.reading == model.partner_encoder.reading == "stretch"


def test_the_reading_is_saved_with_the_weights_and_changes_what_the_network_hears(tmp_path):
    torch.manual_seed(3)
    stretch = LiteDualTalk(TINY).eval()
    centre = LiteDualTalk(replace(TINY, feature_reading="centre")).eval()
    centre.load_state_dict(stretch.state_dict())
    loaded, _ = load_lite(save_lite(centre, tmp_path / "centre.pt", half=False))
    assert loaded.cfg.feature_reading == "centre" and loaded.self_encoder.reading == "centre"
    audio = torch.randn(1, SR * 3)
    with torch.inference_mode():
        a = stretch(audio, audio.flip(-1), torch.zeros(1, 75, 55))
        b = loaded(audio, audio.flip(-1), torch.zeros(1, 75, 55))
    assert (a - b).abs().max() > 1e-4


@pytest.mark.parametrize("bad", ["sideways", 3, None])
def test_a_weights_file_with_an_unknown_reading_is_one_clear_error(bad):
    with pytest.raises(DualTalkError, match="feature_reading must be one of stretch, centre"):
        lite_config_from_payload({"feature_reading": bad}, "odd.pt")


def test_an_unknown_reading_cannot_build_an_encoder():
    with pytest.raises(ValueError, match="feature reading"):
        ConvAudioEncoder(reading="sideways")


def test_weights_that_read_their_audio_differently_do_not_average(tmp_path):
    from dualtalk.training.lite.soup import soup

    torch.manual_seed(4)
    net = LiteDualTalk(TINY).eval()
    stretch = save_lite(net, tmp_path / "stretch.pt")
    centre_net = LiteDualTalk(replace(TINY, feature_reading="centre")).eval()
    centre_net.load_state_dict(net.state_dict())
    centre = save_lite(centre_net, tmp_path / "centre.pt")
    with pytest.raises(DualTalkError, match="a different network"):
        soup([stretch, centre], tmp_path / "mean.pt")

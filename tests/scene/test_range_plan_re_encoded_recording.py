"""Re-generating a range (or keying motion files with ``--audio``) checks the recording given against
the one the take was made from. A copy the editor re-encoded (FLAC, MP3, a gain, new tags) has other
bytes: before, it was refused as "not that recording". Now its sound is compared and it is accepted
with one warning naming both files; another recording or another cut is refused as before, and so is
any copy against a take whose motion files record no sound (made before takes kept it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.scene.range_plan import PANEL_WORDS, check_take_recording
from dualtalk.inference.audio.dialogue import load_dialogue
from dualtalk.inference.core.errors import DualTalkError
from recording_copies import ffmpeg, needs_ffmpeg, speechy

pytestmark = needs_ffmpeg
NEED = "--range 50-150"


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> dict:
    """talk.wav (10 s, stereo) and the record a take of its seconds 1-6 keeps (rig/plan.audio_record)."""
    folder = tmp_path_factory.mktemp("range_re_encoded")
    talk = folder / "talk.wav"
    sf.write(str(talk), speechy(10.0, 5, 44100), 44100, subtype="PCM_24")
    source = load_dialogue(talk, start=1.0, end=6.0).source
    record = {"files": ["talk.wav"], "start": 1.0, "end": 6.0, "swap": False}
    record |= {"fingerprint": source["fingerprint"], "sound": source["sound"]}
    return {"folder": folder, "talk": talk, "record": record}


def test_a_normalised_flac_of_the_recording_is_accepted_with_one_warning(take):
    flac = ffmpeg(take["talk"], take["folder"] / "talk_edit.flac", "-af", "volume=-6dB")
    warnings = check_take_recording(take["record"], [flac, None], False, NEED)
    assert len(warnings) == 1, warnings
    (line,) = warnings
    assert line.startswith(f"{NEED}: talk_edit.flac is another encoding of talk.wav"), line
    assert "the same sound" in line and "\n" not in line


def test_an_mp3_at_128_kbps_is_accepted_in_the_panel_too(take):
    mp3 = ffmpeg(take["talk"], take["folder"] / "talk.mp3", "-b:a", "128k")
    (line,) = check_take_recording(take["record"], [mp3], False, "Re-generate Preview Range", PANEL_WORDS)
    assert "talk.mp3 is another encoding of talk.wav" in line


def test_the_recording_re_tagged_in_place_is_the_takes_now(take, tmp_path):
    tagged = ffmpeg(take["talk"], tmp_path / "talk.wav", "-metadata", "title=Reel 2", "-c:a", "pcm_s24le")
    (line,) = check_take_recording(take["record"], [tagged], False, NEED)
    assert "talk.wav is now another encoding of talk.wav" in line


def test_the_same_file_is_still_checked_by_its_bytes_alone(take):
    assert check_take_recording(take["record"], [take["talk"]], False, NEED) == []


def test_another_cut_or_another_recording_is_refused_as_before(take, tmp_path):
    other = tmp_path / "other.wav"
    sf.write(str(other), speechy(10.0, 6, 44100), 44100)
    trimmed = ffmpeg(take["talk"], tmp_path / "trimmed.flac", "-t", "9")
    for path in (other, trimmed):
        with pytest.raises(
            DualTalkError, match=f"{path.name} is not that recording \\(the contents differ\\)"
        ):
            check_take_recording(take["record"], [path], False, NEED)


def test_a_take_that_records_no_sound_refuses_a_copy_as_before(take):
    flac = ffmpeg(take["talk"], take["folder"] / "old.flac")
    old = {k: v for k, v in take["record"].items() if k != "sound"}
    with pytest.raises(DualTalkError, match="old.flac is not that recording"):
        check_take_recording(old, [flac], False, NEED)


def test_a_copy_given_with_the_speakers_swapped_is_refused_for_the_swap(take):
    flac = ffmpeg(take["talk"], take["folder"] / "swap.flac")
    with pytest.raises(DualTalkError, match="--swap is given"):
        check_take_recording(take["record"], [flac], True, NEED)


def test_the_copy_is_decoded_only_when_its_bytes_differ(take, monkeypatch):
    import dualtalk.inference.audio.dialogue as dialogue

    def no_decoding(*_args, **_kwargs):
        raise AssertionError("decoded the take's own file")

    monkeypatch.setattr(dialogue, "same_sound", no_decoding)
    assert check_take_recording(take["record"], [Path(take["talk"])], False, NEED) == []

"""A long take's words are aligned in blocks, and a cancel is heard between them.

A pipeline TD animates a 20-minute conversation from its script. The word pass over a character's
whole stream was one pocketsphinx call: a cancel waited for it (31 s at 12 minutes, ~80 s at 20) and
its time grew faster than the take. Now a stream of several lines longer than ``align.LONG_S`` is cut
at silences before lines into blocks, each aligned as if it were alone, and a cancel is heard
between blocks. The take here is two real LibriVox lines said again and again with pauses between
them, and the block sizes shrunk so that it runs in seconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.progress import Silent
from dualtalk.inference.phonetic import align

LIBRIVOX = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real_speech" / "librivox"
CLIPS = ("sense_and_sensibility_01_austen_64kb-0880", "sense_and_sensibility_01_austen_64kb-0930")
SR = 16000


@pytest.fixture(scope="module")
def clips() -> list[tuple[np.ndarray, str]]:
    pytest.importorskip("pocketsphinx")
    if not LIBRIVOX.is_dir():
        pytest.skip("../shared/data/real_speech/librivox is not beside this checkout")
    out = []
    for stem in CLIPS:
        audio, sr = sf.read(LIBRIVOX / f"{stem}.wav", dtype="float32")
        assert sr == SR
        out.append((audio, (LIBRIVOX / f"{stem}.txt").read_text().strip()))
    return out


def _take(clips, lines: int, pause: float) -> tuple[np.ndarray, list[str]]:
    """The two clips said in turn ``lines`` times, ``pause`` seconds of silence after each."""
    parts, texts = [np.zeros(int(0.5 * SR), np.float32)], []
    for i in range(lines):
        audio, text = clips[i % 2]
        parts += [audio, np.zeros(int(pause * SR), np.float32)]
        texts.append(text)
    return np.concatenate(parts), texts


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of seconds instead of minutes: a take over 10 s is long, a finding pass hears 12 s."""
    monkeypatch.setattr(align, "LONG_S", 10.0)
    monkeypatch.setattr(align, "WINDOW_S", 12.0)
    monkeypatch.setattr(align, "BLOCK_MARGIN_S", 3.0)


def _align(audio: np.ndarray, texts: list[str], progress=None) -> align.Alignment:
    """As ``transcript.place_lines`` aligns a character's lines."""
    words = [align.normalise_words(t)[0].split() for t in texts]
    return align.align_words(
        audio,
        " ".join(" ".join(w) for w in words),
        drop_unknown=True,
        persist=True,
        last_resort=True,
        lines=[len(w) for w in words],
        progress=progress,
    )


def _blocks(audio: np.ndarray, texts: list[str]) -> list[tuple[int, int, int, int]]:
    words = [align.normalise_words(t)[0].split() for t in texts]
    flat = [w for line in words for w in line]
    return align._blocks(audio, flat, [len(w) for w in words], True, None)


def test_a_long_take_is_aligned_in_blocks_each_as_if_alone(clips, small_blocks, monkeypatch):
    audio, texts = _take(clips, 6, pause=2.0)  # 32 s, six lines
    found = _align(audio, texts)
    blocks = _blocks(audio, texts)
    assert len(blocks) >= 2
    assert [w for w, _b, _e in found.words] == align.normalise_transcript(" ".join(texts)).split()

    monkeypatch.setattr(align, "LONG_S", 1e9)  # each block alone: one word pass, as any short take
    lines = [len(align.normalise_words(t)[0].split()) for t in texts]
    starts = np.cumsum([0, *lines]).tolist()
    words, phones = [], []
    for a, b, k0, k1 in blocks:
        assert k0 in starts and k1 in starts, "a block begins and ends with a line"
        own = texts[starts.index(k0) : starts.index(k1)]
        alone = _align(audio[a:b], own)
        by = a / SR
        words += [(w, s + by, e + by) for w, s, e in alone.words]
        phones += [(p.symbol, p.start + by, p.end + by) for p in alone.phones]
    assert [w for w, _b, _e in found.words] == [w for w, _b, _e in words]
    np.testing.assert_allclose(
        [(b, e) for _w, b, e in found.words], [(b, e) for _w, b, e in words], atol=1e-6
    )
    assert [p.symbol for p in found.phones] == [s for s, _b, _e in phones]
    np.testing.assert_allclose(
        [(p.start, p.end) for p in found.phones], [(b, e) for _s, b, e in phones], atol=1e-6
    )


def test_a_cancel_asked_while_a_long_take_aligns_is_heard_after_one_window(clips, small_blocks, monkeypatch):
    audio, texts = _take(clips, 6, pause=2.0)
    progress = Silent()
    heard: list[float] = []  # seconds of sound pocketsphinx heard once the cancel was asked
    real = align._hear

    def hear(dec, pcm: bytes) -> None:
        progress.cancel()  # the TD presses cancel as pocketsphinx starts hearing the take
        heard.append(len(pcm) / 2 / SR)
        real(dec, pcm)

    monkeypatch.setattr(align, "_hear", hear)
    with pytest.raises(CancelledError):
        _align(audio, texts, progress)
    # the window being heard, then nothing: before, the whole 32 s stream was one call
    assert len(heard) == 1 and heard[0] <= align.WINDOW_S < len(audio) / SR


def test_a_cancel_waits_for_one_window_not_the_whole_take(clips, small_blocks, monkeypatch):
    audio, texts = _take(clips, 6, pause=2.0)
    longest: list[float] = []
    real = align._hear

    def hear(dec, pcm: bytes) -> None:
        longest.append(len(pcm) / 2 / SR)
        real(dec, pcm)

    monkeypatch.setattr(align, "_hear", hear)
    _align(audio, texts)
    assert max(longest) <= align.WINDOW_S + 0.01  # no pocketsphinx call hears more than a window


def test_a_long_take_with_no_long_silence_is_one_block_as_before(clips, small_blocks, monkeypatch):
    audio, texts = _take(clips, 5, pause=0.3)  # lines run on: no silence of a second before any
    found = _align(audio, texts)
    assert len(_blocks(audio, texts)) == 1
    monkeypatch.setattr(align, "LONG_S", 1e9)
    before = _align(audio, texts)
    assert found.words == before.words
    assert [(p.symbol, p.start, p.end) for p in found.phones] == [
        (p.symbol, p.start, p.end) for p in before.phones
    ]


def test_a_short_take_runs_no_finding_pass(clips, monkeypatch):
    audio, texts = _take(clips, 6, pause=2.0)  # 32 s: under LONG_S

    def never(*_a, **_k):
        raise AssertionError("a take under LONG_S is aligned in one word pass, as before")

    monkeypatch.setattr(align, "_find_cut", never)
    assert len(_align(audio, texts).words) == len(align.normalise_transcript(" ".join(texts)).split())

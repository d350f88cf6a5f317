"""What espeak-ng says for a line, as IPA phones: the written-form stories compare a line as written
with the line as said by the phones a voice speaks, so they share one way of reading them."""

from __future__ import annotations

from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.phonetic.ipa import as_ipa, is_language_switch


def espeak_phones(text: str, voice: str) -> list[str]:
    """espeak-ng's phones for ``text`` in ``voice``, as IPA, without its language-switch events."""
    return [
        as_ipa(p.symbol)
        for p in speak(text, Voice("espeak", voice)).phones
        if not is_language_switch(p.symbol)
    ]

"""Phones and the mouth, torch-free: the viseme renderer (``visemes``), IPA classes (``ipa``), the
pocketsphinx aligner (``align``), lips drawn from a transcript (``transcript``), and the passes made
after the lite engine from each character's own voice (``voice_lips``: the lip ``release`` and the lip
``rounding``). Modules load on demand; nothing is imported here."""

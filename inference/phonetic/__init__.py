"""Phones and the mouth, torch-free: the viseme renderer (``visemes``), IPA classes (``ipa``), the
pocketsphinx aligner (``align``), lips drawn from a transcript (``transcript``), and the passes made
after the lite engine from each character's own voice (``voice_lips``: the lip ``release``, the lip
``rounding``, then ``rest``, the mouth at rest over sounds the intake does not count as speech). Modules load on demand; nothing is imported here."""

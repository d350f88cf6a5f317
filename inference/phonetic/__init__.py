"""Phones and the mouth, torch-free: the viseme renderer (``visemes``), IPA classes (``ipa``), the
pocketsphinx aligner (``align``), lips drawn from a transcript (``transcript``) and the lip release
applied to the lite engine's output (``release``). Modules load on demand; nothing is imported here."""

"""The embedded lite engine and everything that makes it.

``model`` (LiteDualTalk, load_lite, DEFAULT_WEIGHTS), ``features`` (log-mel front end),
``tts`` (speech with exact phone timings), ``visemes`` and ``listener`` (training targets),
``synth`` / ``cmd_synth`` (the synthetic corpus), ``train_lite`` (the recipe behind the
committed weights) and ``evaluate`` (scores on real speech). See MODEL_CARD.md.
"""

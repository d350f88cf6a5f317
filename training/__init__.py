"""Everything that makes models, outside the shipped extension.

``trainer``/``dataset``/``losses``/``cmd_train`` train either network on DualTalk-format folders;
``lite/`` is the embedded model's recipe: speech with phone timings (``tts``), targets
(``visemes``, ``listener``), the synthetic corpus (``synth``) and its exact training script.
Importable as ``dualtalk.training`` by ``python -m dualtalk train|synth``; never imported by
the add-on.
"""

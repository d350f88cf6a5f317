"""The embedded lite engine: ``model`` (LiteDualTalk, load_lite, DEFAULT_WEIGHTS) and ``features``
(log-mel front end). The recipe that made its weights lives in ``training/lite`` (MODEL_CARD.md).
"""

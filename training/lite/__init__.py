"""The lite model's recipe: synthetic corpus, targets and the exact training script (MODEL_CARD.md)."""

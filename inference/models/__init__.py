"""The networks: wav2vec2, the DualTalk network, the lite model, and the protocol every engine implements."""

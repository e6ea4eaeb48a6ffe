"""The step machine, config, presets and training: plain Python state, no Qt."""

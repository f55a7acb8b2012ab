"""hyoka pipeline: document model, stages, store and CLI."""

"""The scan pipeline: read → (state: skip/resume) → decode + evaluate in workers → state → ordered output."""

"""Command modules: each exports `COMMANDS`, a list of click commands (see `legality.cli`)."""

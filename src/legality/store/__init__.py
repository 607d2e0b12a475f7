"""See the package docstring of `legality` for where this stage sits in the pipeline."""

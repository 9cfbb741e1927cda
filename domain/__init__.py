"""parcours domain."""

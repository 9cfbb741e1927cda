"""parcours workers."""

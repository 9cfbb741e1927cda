"""parcours gateway."""

"""parcours adapters."""

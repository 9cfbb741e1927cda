"""parcours adapters.notify."""

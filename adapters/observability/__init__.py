"""parcours adapters.observability."""

"""parcours adapters.stores."""

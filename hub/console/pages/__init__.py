"""The console's pages, one module per area: a ``router`` and its ``NAV`` entries."""

"""Command handlers of the hub, grouped by aggregate; combined in :class:`hub.app.ReliefHub`."""

"""The hub: the Application, its persistence modules, the HTTP API, the CLI and the router."""

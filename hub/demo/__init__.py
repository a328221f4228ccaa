"""The demo network and the seven scenarios of DOMAIN.md, driven through the HTTP API."""

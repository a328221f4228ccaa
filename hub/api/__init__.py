"""The hub's HTTP API (FastAPI, orjson): thin routes over the Application."""

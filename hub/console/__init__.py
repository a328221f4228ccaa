"""The console (救助衔接工作台): the officials' pages, served by ``hub serve`` itself.

Server-rendered (FastAPI + Jinja2) from the same queries, views and access rules as the JSON
API (:mod:`hub.api.deps`, :func:`hub.api.gate.resolve_bearer`): a page never shows what the same
official could not read over the API. ``app.py`` builds the console's application, mounted by
the API's ``create_app`` under :data:`hub.console.security.PREFIX`; ``pages/`` holds one router
per area; ``templates/`` and ``static/`` what they render (no asset from another host).
See docs/console.md.
"""

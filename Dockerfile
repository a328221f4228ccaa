# The hub's image: the API (`hub serve`), the projection worker, the router, and the
# connector command (`hub-connector`), all from this one Python package.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HUB_DATA_DIR=/var/lib/hub

WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY hub ./hub
COPY projections ./projections
COPY connectors ./connectors
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /var/lib/hub hub \
    && mkdir -p /var/lib/hub \
    && chown hub /var/lib/hub

USER hub
VOLUME ["/var/lib/hub"]
EXPOSE 8000
CMD ["hub", "serve", "--host", "0.0.0.0"]

# The mindthegap web app in a container (used by compose.yaml). Build: docker build -t mindthegap .
FROM python:3.11-slim

# WeasyPrint draws PDF reports with the system's Pango; fonts for the reports' text
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir ".[postgres]"

# no root inside the container; the cache of computed dashboards lives in a folder the app may write
RUN useradd --create-home --uid 10001 mindthegap && mkdir -p /var/cache/mindthegap \
 && chown mindthegap /var/cache/mindthegap
USER mindthegap
ENV MINDTHEGAP_CACHE_DIR=/var/cache/mindthegap

EXPOSE 8000
# 0.0.0.0 inside the container; compose.yaml publishes the port on the host's loopback only, for the proxy
CMD ["mindthegap", "serve", "--host", "0.0.0.0", "--port", "8000", "--threads", "8"]

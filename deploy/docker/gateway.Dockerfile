# Image of the HTTP gateway and its web page (build the page first: make web):
#   docker build -f deploy/docker/gateway.Dockerfile -t lps-gateway .
# The build and runtime stages are the same in every service's Dockerfile (only
# the lines after `USER` differ), so building all three reuses one cache.
FROM python:3.11-slim-bookworm AS build
COPY pyproject.toml requirements.lock README.md /src/
COPY protos /src/protos
COPY services /src/services
COPY deploy/docker/build-venv.sh /usr/local/bin/build-venv
RUN build-venv /src

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 lps \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin lps
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/gen /opt/gen
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/opt/gen PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
USER 10001:10001

# The web page, built on the host by `make setup` (Node is not in these images).
COPY --from=build /src/services/gateway/web/dist /opt/web
ENV GATEWAY_HOST=0.0.0.0 GATEWAY_PORT=8080 GATEWAY_WEB_DIR=/opt/web
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-m", "services.common.healthcheck", "http", "http://127.0.0.1:8080/readyz"]
CMD ["python", "-m", "services.gateway"]

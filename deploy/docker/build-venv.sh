#!/bin/sh
# The build stage of every service's image: the project with its locked
# dependencies in a virtual env, and the gRPC code generated from protos/.
# Usage: build-venv.sh SOURCE_DIR (VENV and GEN say where to put them).
set -eu
src="$1"
venv="${VENV:-/opt/venv}"
gen="${GEN:-/opt/gen}"

python -m venv "$venv"
"$venv/bin/pip" install --no-cache-dir --disable-pip-version-check \
  -c "$src/requirements.lock" "$src" grpcio-tools
mkdir -p "$gen"
# shellcheck disable=SC2046 # one argument per proto file
"$venv/bin/python" -m grpc_tools.protoc -I "$src/protos" \
  --python_out="$gen" --grpc_python_out="$gen" $(find "$src/protos" -name '*.proto')
find "$gen/lps" -type d -exec touch {}/__init__.py \;
# The runtime image is read-only: compile now, and leave no build tools behind.
"$venv/bin/python" -m compileall -q "$gen"
"$venv/bin/pip" uninstall --yes --quiet grpcio-tools pip

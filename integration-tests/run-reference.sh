#!/usr/bin/env bash
# Starts the protocol reference application in the foreground: Socket.IO at /socket.io/ (namespaces / and /custom)
# and a bare Engine.IO echo endpoint at /engine.io/, on port 3000.
# Build it first, from the repository root: ./mvnw install -DskipTests
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${here}/target/quarkus-app/quarkus-run.jar"

if [[ ! -f "${jar}" ]]; then
    echo "error: ${jar} not found: run ./mvnw install -DskipTests first (from $(dirname "${here}"))" >&2
    exit 1
fi

exec java ${JAVA_OPTS:-} -jar "${jar}" "$@"

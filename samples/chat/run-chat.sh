#!/usr/bin/env bash
# Starts the chat demo in the foreground, at http://localhost:8080/ (open it in two browser tabs).
# Build it first, from the repository root: ./mvnw -B install -DskipTests
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${dir}/target/quarkus-app/quarkus-run.jar"

if [[ ! -f "${jar}" ]]; then
    echo "error: ${jar} not found: run ./mvnw -B install -DskipTests first (from $(cd "${dir}/../.." && pwd))" >&2
    exit 1
fi

exec java ${JAVA_OPTS:-} -jar "${jar}" "$@"

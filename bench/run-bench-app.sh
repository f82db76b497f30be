#!/usr/bin/env bash
# Starts the bench application in the foreground on 127.0.0.1:$PORT (default 3000), as one process (WORKERS=0, the
# default) or as a primary with $WORKERS worker processes, and prints "READY <port>" on standard output once every
# worker accepts connections. SIGTERM stops it (the primary drains its workers and exits 0).
# Build it first, from the repository root: ./mvnw -B install -DskipTests
#
#   PORT=3000 WORKERS=2 bench/run-bench-app.sh        JAVA_OPTS: extra JVM options (the workers get them too)
#
# The process keeps this script's pid (exec), so a pid taken from "$!" is the server's root process. Its output goes
# through a small read loop of this script (a child of that process) that copies every line and adds the READY line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${here}/app/target/quarkus-app/quarkus-run.jar"
port="${PORT:-3000}"
workers="${WORKERS:-0}"

if [[ ! -f "${jar}" ]]; then
    echo "error: ${jar} not found: run ./mvnw -B install -DskipTests first (from $(dirname "${here}"))" >&2
    exit 1
fi

if [[ "${workers}" == 0 ]]; then
    # One process: Quarkus' own "Listening on:" line (the primary prints none; workers' lines start with "[worker").
    ready='^[^[].*Listening on: http'
else
    # The primary's line, logged once every worker is ready and the public port is open.
    ready='Socket[.]IO cluster primary listening on http'
fi

export PORT="${port}" WORKERS="${workers}"
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -Dquarkus.http.port="${port}" -Dquarkus.socketio.cluster.workers="${workers}" \
    -jar "${jar}" "$@" \
    > >(ready_seen=0
        while IFS= read -r line; do
            printf '%s\n' "${line}"
            if [[ ${ready_seen} == 0 && "${line}" =~ ${ready} ]]; then
                printf 'READY %s\n' "${port}"
                ready_seen=1
            fi
        done) 2>&1

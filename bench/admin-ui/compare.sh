#!/usr/bin/env bash
# The cost of the Admin UI on the fanout benchmark: ROUNDS rounds of three runs of our 2-worker cluster, one after the
# other, each on freshly started servers: without the admin namespace (off), with it in production mode and in
# development mode, the last two with a stand-in for an open UI page connected (watch.mjs: what it received is added
# to the run's JSON as "admin_ui"). One JSON line per run on standard output, labelled admin-off, admin-production and
# admin-development. Build first (./mvnw -B install -DskipTests) and run `npm ci` in bench/admin-ui once.
#
#   bench/admin-ui/compare.sh [fanout options...]     (default: --clients 1000 --count 1000 --size 64 --warmup 3000)
#   env: ROUNDS (3), MODES ("off production development"), PORT (3101)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "${here}")"
port="${PORT:-3101}"
options=("$@")
((${#options[@]} == 0)) && options=(--clients 1000 --count 1000 --size 64 --warmup 3000)
if [[ ! -d "${here}/node_modules" ]]; then
    echo "error: run (cd ${here} && npm ci) once" >&2
    exit 1
fi
# "changeit": the UI logs in as it would in production (the bcrypt check runs once per login, not per message)
hash='$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS'

for round in $(seq "${ROUNDS:-3}"); do
    for mode in ${MODES:-off production development}; do
        watcher=""
        opts="${JAVA_OPTS:-}"
        if [[ "${mode}" != off ]]; then
            opts="${opts} -Dquarkus.socketio.admin-ui.enabled=true -Dquarkus.socketio.admin-ui.username=admin"
            opts="${opts} -Dquarkus.socketio.admin-ui.password-hash=${hash} -Dquarkus.socketio.admin-ui.mode=${mode}"
            watch_out="$(mktemp)"
            node "${here}/watch.mjs" "http://127.0.0.1:${port}" admin changeit > "${watch_out}" &
            watcher=$!
        fi
        result="$(PORT="${port}" JAVA_OPTS="${opts}" "${bench}/run.sh" java 2 fanout "${options[@]}")"
        admin='null'
        if [[ -n "${watcher}" ]]; then
            kill -TERM "${watcher}"
            wait "${watcher}"
            admin="$(cat "${watch_out}")"
            rm -f "${watch_out}"
        fi
        echo "${result}" | jq -c --arg lab "admin-${mode}" --argjson rnd "${round}" --argjson admin "${admin:-null}" \
            '. + {"label": $lab, "round": $rnd, "admin_ui": $admin}'
    done
done

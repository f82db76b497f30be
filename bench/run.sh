#!/usr/bin/env bash
# Runs one load generator mode against a freshly started server and stops the server afterwards:
#
#   bench/run.sh SERVER WORKERS MODE [load generator options...]
#   e.g. bench/run.sh java 2 fanout --clients 1000 --count 1000 --size 64
#        bench/run.sh node 0 echo --clients 200 --rate 5000 --duration 10
#
# SERVER: java   the bench app (bench/run-bench-app.sh; JAVA_OPTS are its JVM options)
#         node   the Node.js reference of /work/shared/bench-node (node $NODE_PEER/server.js; run `npm ci` there once)
#         NAME   any other server of the bench app contract, started by the command in SERVER_CMD
# Every server gets PORT and WORKERS in its environment and must print a line starting with READY once every worker
# accepts connections. Prints the load generator's JSON line on standard output; the server's output goes to
# bench/results/logs/SERVER-WORKERS.log. Build first: ./mvnw -B install -DskipTests (from the repository root).
#
# env: PORT (3101)  READY_TIMEOUT (s, 120)  LG_TIMEOUT (s, 170: the load generator's hard limit)
#      QUIET_MAX (%, 20) QUIET_SECS (3) QUIET_WAIT (s, 120): first wait until the whole machine has been below
#          QUIET_MAX % busy for QUIET_SECS seconds in a row (then run anyway, with a warning)
#      NICE (0): nice value of server and load generator (negative needs root)
#      LOADGEN_JAVA_OPTS (-XX:+UseSerialGC -Xms256m -Xmx2g): the load generator's JVM options
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
server="${1:?usage: $0 SERVER WORKERS MODE [options...]}"
workers="${2:?usage: $0 SERVER WORKERS MODE [options...]}"
mode="${3:?usage: $0 SERVER WORKERS MODE [options...]}"
shift 3
port="${PORT:-3101}"
lg_timeout="${LG_TIMEOUT:-170}"
loadgen="${here}/loadgen/target/loadgen.jar"
node_peer="${NODE_PEER:-/work/shared/bench-node/node-peer}"
mkdir -p "${here}/results/logs"
log="${here}/results/logs/${server}-${workers}.log"

case "${server}" in
    java) cmd=("${here}/run-bench-app.sh") ;;
    node)
        if [[ ! -d "${node_peer}/node_modules" ]]; then
            echo "error: ${node_peer}/node_modules missing: run (cd ${node_peer} && npm ci) once, or set NODE_PEER" >&2
            exit 1
        fi
        cmd=(node "${node_peer}/server.js") ;;
    *)
        : "${SERVER_CMD:?set SERVER_CMD to the command that starts server ${server}}"
        cmd=(bash -c "exec ${SERVER_CMD}") ;;
esac
for f in "${loadgen}" "${here}/app/target/quarkus-app/quarkus-run.jar"; do
    if [[ ! -f "${f}" ]]; then
        echo "error: ${f} not found: run ./mvnw -B install -DskipTests first" >&2
        exit 1
    fi
done

# 5000 connections need 5000 descriptors on each side
hard="$(ulimit -Hn)"
if [[ "${hard}" == unlimited ]]; then ulimit -n 65536; else ulimit -n "${hard}"; fi

# --- wait for a quiet machine -------------------------------------------------------------------------------------
busy_pct() { # share of all cores busy during one second, from /proc/stat
    local a b i busy0=0 busy1=0 total0=0 total1=0
    read -r -a a < /proc/stat
    sleep 1
    read -r -a b < /proc/stat
    for i in 1 2 3 4 5 6 7 8; do total0=$((total0 + a[i])); total1=$((total1 + b[i])); done
    busy0=$((total0 - a[4] - a[5]))
    busy1=$((total1 - b[4] - b[5]))
    echo $((100 * (busy1 - busy0) / ((total1 - total0) > 0 ? (total1 - total0) : 1)))
}
quiet_max="${QUIET_MAX:-20}"
quiet_secs="${QUIET_SECS:-3}"
quiet_wait="${QUIET_WAIT:-120}"
quiet=0
waited=0
while ((quiet < quiet_secs)); do
    pct="$(busy_pct)"
    if ((pct <= quiet_max)); then
        quiet=$((quiet + 1))
    else
        quiet=0
        ((waited == 0)) && echo "[run] machine ${pct}% busy: waiting up to ${quiet_wait} s for it to calm down" >&2
    fi
    waited=$((waited + 1))
    if ((waited >= quiet_wait && quiet < quiet_secs)); then
        echo "[run] WARNING: the machine was not below ${quiet_max}% busy for ${quiet_secs} s in a row within ${waited} s (last second: ${pct}%); running anyway" >&2
        break
    fi
done

# --- start the server -----------------------------------------------------------------------------------------------
nice_cmd=()
[[ "${NICE:-0}" != 0 ]] && nice_cmd=(nice -n "${NICE}")
PORT="${port}" WORKERS="${workers}" "${nice_cmd[@]}" "${cmd[@]}" > "${log}" 2>&1 &
spid=$!

descendants() { # all descendants of a pid
    local child
    for child in $(cat /proc/"$1"/task/*/children 2> /dev/null); do
        echo "${child}"
        descendants "${child}"
    done
}
stop_server() {
    local pids p i
    pids="${spid} $(descendants "${spid}")"
    kill -TERM "${spid}" 2> /dev/null
    for i in $(seq 150); do
        alive=0
        for p in ${pids}; do kill -0 "${p}" 2> /dev/null && alive=1; done
        ((alive == 0)) && return
        sleep 0.1
    done
    echo "[run] server still running 15 s after SIGTERM: SIGKILL" >&2
    for p in ${pids}; do kill -KILL "${p}" 2> /dev/null; done
}
trap stop_server EXIT
trap 'exit 130' INT TERM

ready=0
for i in $(seq $((${READY_TIMEOUT:-120} * 10))); do
    if grep -q '^READY' "${log}" 2> /dev/null; then ready=1; break; fi
    if ! kill -0 "${spid}" 2> /dev/null; then
        echo "[run] server exited before READY:" >&2
        tail -30 "${log}" >&2
        exit 1
    fi
    sleep 0.1
done
if ((ready == 0)); then
    echo "[run] server not READY after ${READY_TIMEOUT:-120} s" >&2
    tail -30 "${log}" >&2
    exit 1
fi
echo "[run] ${server} WORKERS=${workers} on port ${port}: pid ${spid} ready ($(descendants "${spid}" | wc -w) descendants); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# --- run the load generator -----------------------------------------------------------------------------------------
# shellcheck disable=SC2086
timeout -k 5 "${lg_timeout}" "${nice_cmd[@]}" java ${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx2g} -jar "${loadgen}" \
    "${mode}" --url "http://127.0.0.1:${port}" --timeout $((lg_timeout - 10)) --rss-pid "${spid}" \
    --server "${server}" --workers "${workers}" "$@"

#!/usr/bin/env bash
# Runs one load generator mode against a freshly started server and stops the server afterwards:
#
#   bench/run.sh SERVER WORKERS MODE [load generator options...]
#   e.g. bench/run.sh java 2 fanout --clients 1000 --count 1000 --size 64
#        bench/run.sh node 0 echo --clients 200 --rate 5000 --duration 10
#        HOSTS=2 bench/run.sh java 2 fanout --clients 1000 --count 1000 --size 64   (two hosts over Redis, below)
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
#      HOSTS (1): with 2 or more, several hosts of one cluster over Redis, all on this machine: a redis-server on a free
#          loopback port (no persistence), HOSTS servers of SERVER on PORT, PORT+1, ..., each with WORKERS workers on
#          one of Node's Redis adapters or ours, and the load generator's clients spread over them (--urls); logs in
#          bench/results/logs/SERVER-WORKERS-hostN.log and redis.log (with Redis' INFO cpu before and after)
#      REDIS_ADAPTER (redis): redis, redis-sharded or redis-streams; ours get -Dquarkus.socketio.adapter=REDIS_ADAPTER
#          -Dquarkus.redis.hosts=redis://127.0.0.1:RPORT (and MANAGEMENT_PORT a free port each), Node's REDIS_URL and
#          ADAPTER classic, sharded or streams, any other server REDIS_URL and REDIS_ADAPTER
#      REDIS_PORT: Redis' port (default: the first free one from 6390)
#      TLS (0): with 1, our server (java) serves HTTPS/WSS on PORT+1000 with a self-signed PKCS12 key store made once
#          by keytool in bench/results/tls/ (quarkus.http.ssl.certificate.key-store-file), and the load generator talks
#          https:// to it trusting any certificate (--trust-all); the JSON line's server is "java-tls". One host only.
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
hosts="${HOSTS:-1}"
if ((hosts > 1)) && [[ "${mode}" != fanout && "${mode}" != contract ]]; then
    echo "error: HOSTS=${hosts}: the load generator spreads its clients over several servers in fanout and contract only" >&2
    exit 64
fi

tls="${TLS:-0}"
if [[ "${tls}" == 1 ]] && [[ "${server}" != java || "${hosts}" != 1 ]]; then
    echo "error: TLS=1: our server (java) on one host only" >&2
    exit 64
fi

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

# --- start the server(s) --------------------------------------------------------------------------------------------
nice_cmd=()
[[ "${NICE:-0}" != 0 ]] && nice_cmd=(nice -n "${NICE}")
descendants() { # all descendants of a pid
    local child
    for child in $(cat /proc/"$1"/task/*/children 2> /dev/null); do
        echo "${child}"
        descendants "${child}"
    done
}
spids=()
rpid=""
stop_server() {
    local pids="" p i s
    for s in "${spids[@]}"; do
        pids="${pids} ${s} $(descendants "${s}")"
        kill -TERM "${s}" 2> /dev/null
    done
    for i in $(seq 150); do
        alive=0
        for p in ${pids}; do kill -0 "${p}" 2> /dev/null && alive=1; done
        ((alive == 0)) && break
        sleep 0.1
    done
    if ((alive == 1)); then
        echo "[run] server still running 15 s after SIGTERM: SIGKILL" >&2
        for p in ${pids}; do kill -KILL "${p}" 2> /dev/null; done
    fi
    if [[ -n "${rpid}" ]]; then # Redis after the servers, so that they do not spend the end reconnecting
        kill -TERM "${rpid}" 2> /dev/null
        for i in $(seq 50); do kill -0 "${rpid}" 2> /dev/null || return; sleep 0.1; done
        kill -KILL "${rpid}" 2> /dev/null
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() { # the first free loopback port from $1
    local p=$1
    while ! port_free "${p}"; do p=$((p + 1)); done
    echo "${p}"
}

redis_env=()
if ((hosts > 1)); then
    redis_adapter="${REDIS_ADAPTER:-redis}"
    case "${redis_adapter}" in
        redis) node_adapter=classic ;;
        redis-sharded) node_adapter=sharded ;;
        redis-streams) node_adapter=streams ;;
        *) echo "error: REDIS_ADAPTER=${redis_adapter}: redis, redis-sharded or redis-streams" >&2; exit 64 ;;
    esac
    rport="${REDIS_PORT:-$(free_port 6390)}"
    rlog="${here}/results/logs/redis.log"
    redis-server --port "${rport}" --bind 127.0.0.1 --save '' --appendonly no --daemonize no > "${rlog}" 2>&1 &
    rpid=$!
    for i in $(seq 50); do
        [[ "$(redis-cli -p "${rport}" ping 2> /dev/null)" == PONG ]] && break
        if ! kill -0 "${rpid}" 2> /dev/null || ((i == 50)); then
            echo "[run] redis-server did not start on port ${rport}:" >&2
            tail -20 "${rlog}" >&2
            exit 1
        fi
        sleep 0.1
    done
    redis_url="redis://127.0.0.1:${rport}"
    case "${server}" in
        java) redis_env=("JAVA_OPTS=${JAVA_OPTS:-} -Dquarkus.socketio.adapter=${redis_adapter} -Dquarkus.redis.hosts=${redis_url}") ;;
        node) redis_env=("REDIS_URL=${redis_url}" "ADAPTER=${node_adapter}") ;;
        *) redis_env=("REDIS_URL=${redis_url}" "REDIS_ADAPTER=${redis_adapter}") ;;
    esac
fi

tls_env=()
lg_tls=()
if [[ "${tls}" == 1 ]]; then
    keystore="${here}/results/tls/server.p12"
    if [[ ! -f "${keystore}" ]]; then
        mkdir -p "$(dirname "${keystore}")"
        keytool -genkeypair -alias bench -keyalg RSA -keysize 2048 -validity 3650 -dname CN=localhost \
            -ext SAN=dns:localhost,ip:127.0.0.1 -storetype PKCS12 -keystore "${keystore}" \
            -storepass bench-secret -keypass bench-secret > /dev/null || exit 1
    fi
    tls_env=("JAVA_OPTS=${JAVA_OPTS:-} -Dquarkus.http.ssl-port=$((port + 1000)) -Dquarkus.http.ssl.certificate.key-store-file=${keystore} -Dquarkus.http.ssl.certificate.key-store-password=bench-secret")
    lg_tls=(--trust-all)
fi

logs=()
urls=()
management=$((${MANAGEMENT_PORT:-9000} + 100))
for h in $(seq "${hosts}"); do
    hport=$((port + h - 1))
    host_env=("${redis_env[@]}")
    if ((hosts > 1)); then
        hlog="${here}/results/logs/${server}-${workers}-host${h}.log"
        management="$(free_port "${management}")"
        host_env+=("MANAGEMENT_PORT=${management}") # one management interface per primary
        management=$((management + 1))
    else
        hlog="${log}"
    fi
    env "${host_env[@]}" "${tls_env[@]}" PORT="${hport}" WORKERS="${workers}" "${nice_cmd[@]}" "${cmd[@]}" \
        > "${hlog}" 2>&1 &
    spids+=($!)
    logs+=("${hlog}")
    if [[ "${tls}" == 1 ]]; then
        urls+=("https://127.0.0.1:$((hport + 1000))")
    else
        urls+=("http://127.0.0.1:${hport}")
    fi
done

for h in $(seq 0 $((hosts - 1))); do
    ready=0
    for i in $(seq $((${READY_TIMEOUT:-120} * 10))); do
        if grep -q '^READY' "${logs[h]}" 2> /dev/null; then ready=1; break; fi
        if ! kill -0 "${spids[h]}" 2> /dev/null; then
            echo "[run] server exited before READY:" >&2
            tail -30 "${logs[h]}" >&2
            exit 1
        fi
        sleep 0.1
    done
    if ((ready == 0)); then
        echo "[run] server not READY after ${READY_TIMEOUT:-120} s" >&2
        tail -30 "${logs[h]}" >&2
        exit 1
    fi
    echo "[run] ${server} WORKERS=${workers} on ${urls[h]}: pid ${spids[h]} ready ($(descendants "${spids[h]}" | wc -w) descendants); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

# --- run the load generator -----------------------------------------------------------------------------------------
target=(--url "${urls[0]}" --rss-pid "${spids[0]}")
if ((hosts > 1)); then
    target=(--urls "$(IFS=,; echo "${urls[*]}")" --rss-pid "$(IFS=,; echo "${spids[*]}")" --redis-pid "${rpid}"
        --adapter "${redis_adapter}")
    redis_info() { redis-cli -p "${rport}" INFO "$1" 2> /dev/null | tr -d '\r' | grep -E "$2"; } # SECTION PATTERN
    { echo "--- INFO before the load generator ($(date -u +%FT%TZ))"; redis_info cpu 'used_cpu'; redis_info stats 'total_commands'; } >> "${rlog}"
fi
# shellcheck disable=SC2086
timeout -k 5 "${lg_timeout}" "${nice_cmd[@]}" java ${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx2g} -jar "${loadgen}" \
    "${mode}" "${target[@]}" "${lg_tls[@]}" --timeout $((lg_timeout - 10)) --server "${server}$([[ "${tls}" == 1 ]] && echo -tls)" \
    --workers "${workers}" "$@"
rc=$?
if ((hosts > 1)); then
    {
        echo "--- INFO after the load generator ($(date -u +%FT%TZ))"
        redis_info cpu 'used_cpu'
        redis_info stats 'total_commands'
        redis_info commandstats 'cmdstat_(publish|spublish|xadd|xread|pubsub)'
    } >> "${rlog}"
    echo "[run] Redis (pid ${rpid}, port ${rport}) during the load generator's run (INFO cpu, after - before): $(awk -F: \
        '/^--- INFO after/ { after = 1 } /^used_cpu_(user|sys):/ { d[$1] += (after ? $2 : -$2) }
         END { printf "used_cpu_user %.2f s, used_cpu_sys %.2f s", d["used_cpu_user"], d["used_cpu_sys"] }' "${rlog}")" >&2
fi
exit "${rc}"

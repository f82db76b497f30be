#!/usr/bin/env bash
# Profiles the bench app under one load with JFR: starts it (WORKERS as given), warms it up with the same load, records
# every java process of its tree (primary and workers) during a second run of the load, and prints where the samples
# were taken, per process and for all processes together. The recordings stay in bench/results/profiles/.
#
#   bench/profile.sh WORKERS MODE [load generator options...]
#   e.g. bench/profile.sh 2 fanout --clients 1000 --count 1000 --size 64
#        bench/profile.sh 0 echo --clients 200 --rate 5000 --duration 10
#
# env: PORT (3102), JAVA_OPTS (the server's), LOADGEN_JAVA_OPTS, FILTER (frames shown inclusive, default socketio)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workers="${1:?usage: $0 WORKERS MODE [options...]}"
mode="${2:?usage: $0 WORKERS MODE [options...]}"
shift 2
port="${PORT:-3102}"
loadgen=(java ${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx2g} -jar "${here}/loadgen/target/loadgen.jar")
out="${here}/results/profiles"
mkdir -p "${out}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
hard="$(ulimit -Hn)"
if [[ "${hard}" == unlimited ]]; then ulimit -n 65536; else ulimit -n "${hard}"; fi

PORT="${port}" WORKERS="${workers}" "${here}/run-bench-app.sh" > "${out}/server-${stamp}.log" 2>&1 &
spid=$!
descendants() {
    local child
    for child in $(cat /proc/"$1"/task/*/children 2> /dev/null); do
        echo "${child}"
        descendants "${child}"
    done
}
trap 'kill -TERM ${spid} 2> /dev/null; wait ${spid} 2> /dev/null' EXIT
for _ in $(seq 1200); do grep -q '^READY' "${out}/server-${stamp}.log" && break; sleep 0.1; done
jvms=()
for p in ${spid} $(descendants "${spid}"); do
    [[ "$(cat /proc/"${p}"/comm 2> /dev/null)" == java ]] && jvms+=("${p}")
done
url="http://127.0.0.1:${port}"

echo "[profile] warm-up run" >&2
"${loadgen[@]}" "${mode}" --url "${url}" "$@" > /dev/null
for p in "${jvms[@]}"; do
    jcmd "${p}" JFR.start name=bench settings=profile > /dev/null
done
echo "[profile] recorded run (JFR on pids ${jvms[*]})" >&2
"${loadgen[@]}" "${mode}" --url "${url}" --rss-pid "${spid}" --workers "${workers}" --server java "$@" | tee "${out}/run-${stamp}.json"
files=()
for p in "${jvms[@]}"; do
    role=worker
    [[ "${p}" == "${spid}" ]] && role=$([[ "${workers}" == 0 ]] && echo process || echo primary)
    f="${out}/${mode}-w${workers}-${stamp}-${role}-${p}.jfr"
    jcmd "${p}" JFR.dump name=bench filename="${f}" > /dev/null
    jcmd "${p}" JFR.stop name=bench > /dev/null
    files+=("${f}")
    echo
    echo "=== ${role} (pid ${p})"
    "${loadgen[@]}" hotspots "${f}" --filter "${FILTER:-socketio}" --top 20
done

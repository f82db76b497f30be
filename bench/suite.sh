#!/usr/bin/env bash
# The whole benchmark suite: every step for every server and WORKERS value, each run on a fresh server
# (bench/run.sh), the result lines appended to bench/results/$LABEL.jsonl, then the tables (medians) printed and written
# to bench/results/$LABEL.md. Build first (./mvnw -B install -DskipTests); see bench/README.md.
#
#   bench/suite.sh [STEP ...]      STEP: contract fanout polling echo memory (default: all, in that order)
#
# env: SERVERS          servers to measure, one after the other (default: "java node" when the Node.js reference is
#                       installed, see bench/README.md, else "java")
#      WORKERS_LIST     WORKERS values (default "2 0"); FANOUT_WORKERS for fanout (default "2 1 0": the primary's cost)
#      FANOUT_REPEAT, ECHO_REPEAT, MEMORY_REPEAT, POLLING_REPEAT   runs of each (default 3, 3, 1, 1)
#      FANOUT_ARGS, POLLING_ARGS, ECHO_ARGS, MEMORY_ARGS   replace a step's load (defaults: the loads below)
#      LABEL            results file name (default suite-<UTC date and time>)
#      LG_EXTRA         extra load generator options for every step, e.g. "--read-interval 5"
#      MAX_OTHER (15)   a run during which other processes used more than this % of a core is retried, up to TRIES (3)
#                       attempts in all; every attempt stays in the JSONL, with "accepted" true or false
#      plus bench/run.sh's: PORT, NICE, QUIET_*, JAVA_OPTS, LOADGEN_JAVA_OPTS, NODE_PEER, HOSTS and REDIS_ADAPTER
#                       (several hosts over Redis, steps fanout and contract: see bench/README.md)
set -uo pipefail
# shellcheck disable=SC2086  # the *_ARGS are word lists

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_peer="${NODE_PEER:-/work/shared/bench-node/node-peer}"
if [[ -z "${SERVERS:-}" ]]; then
    SERVERS=java
    if command -v node > /dev/null && [[ -d "${node_peer}/node_modules" ]]; then
        SERVERS="java node"
    else
        echo "[suite] the Node.js reference is not installed (${node_peer}/node_modules): measuring java only" >&2
    fi
fi
workers_list="${WORKERS_LIST:-2 0}"
fanout_workers="${FANOUT_WORKERS:-2 1 0}"
label="${LABEL:-suite-$(date -u +%Y%m%dT%H%M%SZ)}"
max_other="${MAX_OTHER:-15}"
tries="${TRIES:-3}"
out="${here}/results/${label}.jsonl"
mkdir -p "${here}/results"
steps=("$@")
((${#steps[@]} == 0)) && steps=(contract fanout polling echo memory)

# run_step SERVER WORKERS MODE [options...]: runs until accepted or out of tries; appends every attempt to the JSONL
run_step() {
    local server=$1 workers=$2 attempt json other verdict
    shift 2
    # shellcheck disable=SC2206
    local extra=(${LG_EXTRA:-})
    for attempt in $(seq "${tries}"); do
        echo "== [${label}] ${server} WORKERS=${workers} $* ${extra[*]} (attempt ${attempt}, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        json="$("${here}/run.sh" "${server}" "${workers}" "$@" "${extra[@]}" --label "${label}" | tail -1)"
        if [[ "${json}" != "{"* ]]; then
            json="{\"mode\":\"$1\",\"server\":\"${server}\",\"workers\":${workers},\"ok\":false,\"error\":\"no result line\"}"
        fi
        other="$(grep -o '"other_cpu_pct":[0-9.]*' <<< "${json}" | cut -d: -f2)"
        verdict=accepted
        if [[ -n "${other}" ]] && awk -v o="${other}" -v m="${max_other}" 'BEGIN { exit !(o > m) }'; then
            verdict=contaminated
        fi
        local accepted=true contaminated=false
        [[ "${verdict}" == contaminated ]] && contaminated=true
        [[ "${verdict}" == contaminated && "${attempt}" -lt "${tries}" ]] && accepted=false
        printf '{"attempt":%s,"contaminated":%s,"accepted":%s,%s\n' "${attempt}" "${contaminated}" "${accepted}" "${json#\{}" >> "${out}"
        echo "${json}"
        [[ "${accepted}" == true ]] && break
        echo "   other processes used ${other}% of a core during the run: retrying" >&2
    done
}

# run_steps SERVER "WORKERS..." TIMES MODE [options...]: run_step TIMES times for each worker count
run_steps() {
    local server=$1 workers_counts=$2 times=$3 w
    shift 3
    for w in ${workers_counts}; do
        for _ in $(seq "${times}"); do
            run_step "${server}" "${w}" "$@"
        done
    done
}

for server in ${SERVERS}; do
    for step in "${steps[@]}"; do
        case "${step}" in
            contract) run_steps "${server}" "${workers_list}" 1 contract --clients 20 ;;
            fanout) run_steps "${server}" "${fanout_workers}" "${FANOUT_REPEAT:-3}" \
                fanout ${FANOUT_ARGS:---clients 1000 --count 1000 --size 64} ;;
            polling) run_steps "${server}" "${workers_list}" "${POLLING_REPEAT:-1}" \
                connect --transport polling ${POLLING_ARGS:---clients 2000 --hold 0} ;;
            echo) run_steps "${server}" "${workers_list}" "${ECHO_REPEAT:-3}" \
                echo ${ECHO_ARGS:---clients 200 --rate 5000 --duration 10} ;;
            memory) run_steps "${server}" "${workers_list}" "${MEMORY_REPEAT:-1}" \
                memory ${MEMORY_ARGS:---clients 5000 --hold 5} ;;
            *) echo "unknown step ${step} (contract fanout polling echo memory)" >&2; exit 64 ;;
        esac
    done
done

java -jar "${here}/loadgen/target/loadgen.jar" summarize "${out}" | tee "${here}/results/${label}.md"
echo "[suite] results: ${out} and ${here}/results/${label}.md" >&2

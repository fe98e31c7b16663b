#!/usr/bin/env bash
# Starts a local Redis Cluster of three masters (no replicas) for tests and benchmarks, and does
# nothing when it is already up and healthy. Run it again after a node was stopped: the node comes
# back from its own nodes.conf and rejoins the cluster.
#
#   scripts/redis-cluster.sh                 # ports 7000 7001 7002
#   scripts/redis-cluster.sh 7100 7101 7102  # another cluster, e.g. a throwaway one to break
#
# Each node keeps its files in $REDIS_CLUSTER_DIR/<port> (default /tmp/featurestore-redis-cluster).
# Nothing is persisted (--save "", --appendonly no): it is a cluster for tests, not for data.
# $REDIS_CLUSTER_ARGS is added to each redis-server's arguments (and wins over the above), e.g.
# "--appendonly yes --appendfsync always" for a node that keeps its data across a restart.
# cluster-require-full-coverage is off, so while one master is down the others keep serving
# their own slots instead of the whole cluster refusing every request.
set -euo pipefail

ports=("$@")
if [ ${#ports[@]} -eq 0 ]; then ports=(7000 7001 7002); fi
if [ ${#ports[@]} -ne 3 ]; then
  echo "redis-cluster: give three ports (or none for 7000 7001 7002)" >&2
  exit 2
fi
root=${REDIS_CLUSTER_DIR:-/tmp/featurestore-redis-cluster}
first=${ports[0]}

info() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r'; }
field() { sed -n "s/^$1://p"; }

healthy() {
  for port in "${ports[@]}"; do
    local state
    state=$(info "$port")
    [ "$(field cluster_state <<<"$state")" = ok ] || return 1
    [ "$(field cluster_known_nodes <<<"$state")" = 3 ] || return 1
    [ "$(field cluster_slots_ok <<<"$state")" = 16384 ] || return 1
  done
}

if healthy; then
  echo "redis-cluster: ${ports[*]} already up"
  exit 0
fi

for port in "${ports[@]}"; do
  if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then continue; fi
  dir="$root/$port"
  mkdir -p "$dir"
  echo "redis-cluster: starting node $port (files in $dir)"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --cluster-require-full-coverage no \
    --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" \
    ${REDIS_CLUSTER_ARGS:-}
done

for port in "${ports[@]}"; do
  for _ in $(seq 1 50); do
    if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 || {
    echo "redis-cluster: node $port did not start (see $root/$port/redis.log)" >&2
    exit 1
  }
done

# A node that never joined a cluster knows only itself; one restarted from its nodes.conf knows
# the others and rejoins by itself.
if [ "$(info "$first" | field cluster_known_nodes)" = 1 ]; then
  echo "redis-cluster: creating the cluster"
  hosts=()
  for port in "${ports[@]}"; do hosts+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${hosts[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
fi

for _ in $(seq 1 100); do
  if healthy; then
    echo "redis-cluster: ${ports[*]} up"
    exit 0
  fi
  sleep 0.2
done
echo "redis-cluster: nodes ${ports[*]} run but the cluster is not healthy:" >&2
info "$first" >&2
exit 1

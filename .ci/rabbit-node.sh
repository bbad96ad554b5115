#!/usr/bin/env bash
# Starts, stops and inspects EXTRA local RabbitMQ nodes beside the machine's own broker (which it
# never touches: that node's name, port, config, env file, data and logs are all left alone).
#
#   rabbit-node.sh start  NAME --port P [--dist-port P] [--tls-port P --tls-dir D] [--dir D] [--fresh]
#   rabbit-node.sh stop   NAME [--dir D]     stop (rabbitmqctl stop, else kill the node's own pid)
#   rabbit-node.sh kill   NAME [--dir D]     kill -9 the node's beam (for node-loss tests)
#   rabbit-node.sh status NAME [--dir D]     exit 0 and print "running pid=..." if it runs, else 3
#   rabbit-node.sh ctl    NAME [--dir D] -- ARGS...   rabbitmqctl -n NAME@localhost ARGS
#   rabbit-node.sh join   NAME --to OTHER [--dir D]  cluster NAME with OTHER@localhost (both running):
#                         stop_app; reset; join_cluster OTHER@localhost; start_app
#
# NAME is the short node name (letters, digits, _ and -); the node is NAME@localhost. Everything a
# node owns lives under its directory, D/NAME (D: --dir, else $REEF_RABBIT_NODES_DIR, else
# /tmp/reef-rabbit-nodes): rabbitmq.conf, an env file of its own (so the machine's
# /etc/rabbitmq/rabbitmq-env.conf and its NODENAME never apply), enabled_plugins (none), mnesia/,
# log/, the pid file, and tls/ (copies of --tls-dir's ca.pem, server.pem, server.key). Ports: AMQP
# listener on 127.0.0.1:--port; the Erlang distribution port --dist-port (default port + 20000,
# e.g. 5673 -> 25673; the machine's node uses 25672); TLS on 127.0.0.1:--tls-port if given.
#
# start is idempotent (a running node is left as it is), keeps the node's data across restarts
# (--fresh: stops a running node of that name and wipes its data first), and waits until the node
# has booted (its log's "Server startup complete"; rabbitmqctl await_startup as the fallback).
# stop is idempotent and makes sure nothing of the node is left running: `rabbitmqctl stop`, then
# SIGTERM and SIGKILL of exactly the node's beam pid (its pid file, checked against the process's
# environment: this node's name and data folder).
#
# The node runs as the user the machine's RabbitMQ runs as (`rabbitmq` when this script runs as
# root and that user exists; else the current user), and rabbitmqctl is run as that same user with
# the same HOME, so both use the same Erlang cookie ($HOME/.erlang.cookie of that user).
# Environment: REEF_RABBIT_NODES_DIR, REEF_RABBIT_WAIT_SECONDS (default 60), RABBITMQ_BIN_DIR
# (where rabbitmq-server/rabbitmqctl really live; default /usr/lib/rabbitmq/bin when present).
set -euo pipefail

log() { echo "[rabbit-node] $*" >&2; }
die() {
  log "FAILED: $*"
  exit 1
}
usage() {
  sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

(($# >= 2)) || usage
CMD=$1
NAME=$2
shift 2
[[ $NAME =~ ^[A-Za-z0-9_-]+$ ]] || die "bad node name '$NAME' (letters, digits, _ and - only)"
[[ $NAME != rabbit ]] || die "'rabbit' is the machine's node name; choose another"
NODE="$NAME@localhost"

PORT="" DIST_PORT="" TLS_PORT="" TLS_DIR="" FRESH=false JOIN_TO=
BASE=${REEF_RABBIT_NODES_DIR:-/tmp/reef-rabbit-nodes}
CTL_ARGS=()
while (($#)); do
  case $1 in
    --port) PORT=$2; shift 2 ;;
    --dist-port) DIST_PORT=$2; shift 2 ;;
    --tls-port) TLS_PORT=$2; shift 2 ;;
    --tls-dir) TLS_DIR=$2; shift 2 ;;
    --dir) BASE=$2; shift 2 ;;
    --fresh) FRESH=true; shift ;;
    --to) JOIN_TO=$2; shift 2 ;;
    --) shift; CTL_ARGS=("$@"); break ;;
    *) die "unknown option '$1'" ;;
  esac
done
for p in "$PORT" "$DIST_PORT" "$TLS_PORT"; do
  [[ -z $p || $p =~ ^[0-9]+$ ]] || die "bad port '$p'"
done
mkdir -p "$BASE"
BASE=$(cd "$BASE" && pwd)
DIR="$BASE/$NAME"
PID_FILE="$DIR/$NAME.pid"
WAIT_SECONDS=${REEF_RABBIT_WAIT_SECONDS:-60}

if [[ -n ${RABBITMQ_BIN_DIR:-} ]]; then
  BIN=$RABBITMQ_BIN_DIR
elif [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]]; then
  # Debian/Ubuntu: /usr/sbin/rabbitmq-server is a wrapper that writes the machine node's
  # /var/log/rabbitmq/startup_log; call the real scripts instead.
  BIN=/usr/lib/rabbitmq/bin
else
  server=$(command -v rabbitmq-server) || die "rabbitmq-server is not installed (run .ci/broker.sh)"
  BIN=$(dirname "$(readlink -f "$server")")
fi
[[ -x $BIN/rabbitmq-server && -x $BIN/rabbitmqctl ]] || die "no rabbitmq-server/rabbitmqctl in $BIN"

# Who runs the node (and rabbitmqctl): the same user, so they share one Erlang cookie.
if [[ $(id -u) -eq 0 ]] && id rabbitmq >/dev/null 2>&1; then
  RUN_AS=rabbitmq
else
  RUN_AS=$(id -un)
fi
RUN_HOME=$(getent passwd "$RUN_AS" | cut -d: -f6)
[[ -n $RUN_HOME ]] || RUN_HOME=$HOME

# A clean environment: nothing of the caller's RABBITMQ_* (or the machine's env file) leaks in.
BASE_ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  HOME="$RUN_HOME" LANG=C.UTF-8 LC_ALL=C.UTF-8 ERL_EPMD_ADDRESS=127.0.0.1
  ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"
  RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf")
NODE_ENV=("${BASE_ENV[@]}"
  RABBITMQ_NODENAME="$NODE"
  RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf"
  RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins"
  RABBITMQ_MNESIA_BASE="$DIR/mnesia"
  RABBITMQ_LOG_BASE="$DIR/log"
  RABBITMQ_PID_FILE="$PID_FILE")

as_node_user() {
  if [[ $RUN_AS == "$(id -un)" ]]; then
    (cd "$DIR" && "$@")
  else
    (cd "$DIR" && runuser -u "$RUN_AS" -- "$@")
  fi
}

ctl() {
  as_node_user "${BASE_ENV[@]}" "$BIN/rabbitmqctl" -n "$NODE" "$@"
}

# Whether a process is this node's beam: started by this script with this node's name and data.
is_node_process() {
  local env
  env=$(tr '\0' '\n' 2>/dev/null <"/proc/$1/environ") || return 1
  grep -qxF "RABBITMQ_NODENAME=$NODE" <<<"$env" && grep -qxF "RABBITMQ_MNESIA_BASE=$DIR/mnesia" <<<"$env"
}

# The node's beam pid: the one in its pid file, else (pid file not yet or no longer written) the
# beam.smp process started with this node's environment. Fails if none is alive.
node_pid() {
  local pid
  if [[ -f $PID_FILE ]]; then
    pid=$(tr -dc '0-9' <"$PID_FILE")
    if [[ -n $pid ]] && is_node_process "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  for pid in $(pgrep -x beam.smp || true); do
    if is_node_process "$pid"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

wait_gone() { # pid seconds
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ -e /proc/$1 ]] || return 0
    sleep 0.2
  done
  [[ ! -e /proc/$1 ]]
}

do_stop() {
  local pid
  if ! pid=$(node_pid); then
    log "$NODE is not running"
    return 0
  fi
  ctl stop --timeout 30 >/dev/null 2>&1 || log "rabbitmqctl stop failed for $NODE (pid $pid)"
  if ! wait_gone "$pid" 20; then
    log "$NODE (pid $pid) still runs: SIGTERM"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 10; then
      log "$NODE (pid $pid) still runs: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || die "cannot stop $NODE (pid $pid)"
    fi
  fi
  rm -f "$PID_FILE"
  log "$NODE stopped"
}

do_kill() {
  local pid
  pid=$(node_pid) || die "$NODE is not running"
  kill -KILL "$pid"
  wait_gone "$pid" 10 || die "$NODE (pid $pid) survived SIGKILL"
  log "$NODE (pid $pid) killed"
}

# Waits until the node has booted. `rabbitmqctl await_startup` alone checks only every 10 s (a
# node boots in ~6 s here), so this watches the node's log for RabbitMQ's "Server startup
# complete" line, giving up early if the beam dies; await_startup stays the fallback for a log
# that never says so.
await_boot() { # log-offset (the log's size before this start: earlier boots do not count)
  local deadline=$((SECONDS + WAIT_SECONDS)) log_file="$DIR/log/$NODE.log" seen=false
  while ((SECONDS < deadline)); do
    if tail -c "+$(($1 + 1))" "$log_file" 2>/dev/null | grep -q "Server startup complete"; then
      return 0
    fi
    if node_pid >/dev/null; then
      seen=true
    elif $seen; then
      log "$NODE's beam exited while booting"
      return 1
    fi
    sleep 0.1
  done
  ctl await_startup --timeout 5 >>"$DIR/log/startup.log" 2>&1
}

write_config() {
  local conf="$DIR/rabbitmq.conf"
  {
    echo "# Written by .ci/rabbit-node.sh for $NODE"
    echo "listeners.tcp.local = 127.0.0.1:$PORT"
    echo "loopback_users.guest = true"
    if [[ -n $TLS_PORT ]]; then
      echo "listeners.ssl.local = 127.0.0.1:$TLS_PORT"
      echo "ssl_options.cacertfile = $DIR/tls/ca.pem"
      echo "ssl_options.certfile = $DIR/tls/server.pem"
      echo "ssl_options.keyfile = $DIR/tls/server.key"
      echo "ssl_options.verify = verify_none"
      echo "ssl_options.fail_if_no_peer_cert = false"
    fi
  } >"$conf"
  echo "# $NODE: its own env file, so that the machine's rabbitmq-env.conf does not apply." \
    >"$DIR/rabbitmq-env.conf"
  echo "[]." >"$DIR/enabled_plugins"
  rm -f "$DIR/advanced.config"
}

do_start() {
  [[ -n $PORT ]] || die "start needs --port"
  [[ -n $DIST_PORT ]] || DIST_PORT=$((PORT + 20000))
  if [[ -n $TLS_PORT || -n $TLS_DIR ]]; then
    [[ -n $TLS_PORT && -n $TLS_DIR ]] || die "--tls-port and --tls-dir go together"
    # RabbitMQ reads these only at the first TLS handshake: check them now.
    grep -qs "BEGIN CERTIFICATE" "$TLS_DIR/ca.pem" || die "$TLS_DIR/ca.pem is no PEM certificate"
    grep -qs "BEGIN CERTIFICATE" "$TLS_DIR/server.pem" || die "$TLS_DIR/server.pem is no PEM certificate"
    grep -qs "PRIVATE KEY" "$TLS_DIR/server.key" || die "$TLS_DIR/server.key is no PEM private key"
  fi
  local pid
  if $FRESH; then
    do_stop # a node left running by an earlier (killed) run: --fresh means a new node
  elif pid=$(node_pid); then
    log "$NODE already runs (pid $pid)"
    return 0
  fi
  for p in "$PORT" "$DIST_PORT" $TLS_PORT; do
    # rabbitmqctl's own Erlang distribution takes a port of 35672..35682 (25672 + 10000): a node
    # listening there may not get its listener back after stop_app/start_app (as `join` does).
    ((p < 35672 || p > 35682)) || die "port $p is in 35672..35682, which rabbitmqctl uses itself"
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      die "port $p is already in use (choose other ports for $NODE)"
    fi
  done
  if $FRESH; then
    rm -rf "$DIR"
  fi
  mkdir -p "$DIR/mnesia" "$DIR/log"
  rm -f "$PID_FILE"
  if [[ -n $TLS_DIR ]]; then
    mkdir -p "$DIR/tls"
    cp "$TLS_DIR/ca.pem" "$TLS_DIR/server.pem" "$TLS_DIR/server.key" "$DIR/tls/"
    chmod 600 "$DIR/tls/server.key"
  fi
  write_config
  if [[ $RUN_AS != "$(id -un)" ]]; then
    chown -R "$RUN_AS" "$DIR"
    # The node user must reach its directory through the parents (they stay as they are).
    runuser -u "$RUN_AS" -- test -w "$DIR" \
      || die "user $RUN_AS cannot write $DIR (use --dir under a folder it can reach, e.g. /tmp)"
  fi
  local started_ms log_offset
  log_offset=$(stat -c %s "$DIR/log/$NODE.log" 2>/dev/null || echo 0)
  started_ms=$(date +%s%3N)
  as_node_user "${NODE_ENV[@]}" RABBITMQ_NODE_PORT="$PORT" RABBITMQ_DIST_PORT="$DIST_PORT" \
    "$BIN/rabbitmq-server" -detached >>"$DIR/log/startup.log" 2>&1 \
    || die "rabbitmq-server -detached failed; see $DIR/log/"
  if ! await_boot "$log_offset"; then
    log "$NODE did not boot within ${WAIT_SECONDS}s; its log:"
    tail -n 30 "$DIR/log/$NODE.log" >&2 || true
    do_stop || true
    die "$NODE did not start; see $DIR/log/"
  fi
  pid=$(node_pid) || die "$NODE booted but its pid file $PID_FILE names no live beam"
  log "$NODE started (pid $pid, amqp 127.0.0.1:$PORT${TLS_PORT:+, amqps 127.0.0.1:$TLS_PORT}," \
    "dist $DIST_PORT) in $(($(date +%s%3N) - started_ms)) ms"
}

# Clusters this (running) node with another running node of this script: the node forgets its own
# data (reset) and takes the cluster's. Idempotent: a node already in OTHER's cluster is left as is.
do_join() {
  [[ $JOIN_TO =~ ^[A-Za-z0-9_-]+$ ]] || die "join needs --to OTHER (a node name of this script)"
  local other="$JOIN_TO@localhost" pid
  pid=$(node_pid) || die "$NODE is not running"
  if ctl cluster_status --formatter json 2>/dev/null | grep -qF "\"$other\""; then
    log "$NODE is already clustered with $other"
    return 0
  fi
  # rabbitmqctl's own warnings go to the node's join.log, shown only if a step fails.
  local jl="$DIR/log/join.log" step
  for step in stop_app reset "join_cluster $other" start_app "await_startup --timeout $WAIT_SECONDS"; do
    # shellcheck disable=SC2086 # a step is a command and its arguments
    if ! ctl $step >>"$jl" 2>&1; then
      tail -n 20 "$jl" >&2 || true
      die "rabbitmqctl $step failed for $NODE (see $jl)"
    fi
  done
  log "$NODE (pid $pid) joined the cluster of $other"
}

case $CMD in
  start) do_start ;;
  join) do_join ;;
  stop) do_stop ;;
  kill) do_kill ;;
  status)
    if pid=$(node_pid); then
      echo "running pid=$pid dir=$DIR"
    else
      echo "stopped dir=$DIR"
      exit 3
    fi
    ;;
  ctl) ctl "${CTL_ARGS[@]}" ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# CI step of its own: the three-node RabbitMQ cluster tests (module reef-cluster-tests, in the
# reactor only with -Pcluster). The nodes are extra local nodes started by .ci/rabbit-node.sh with
# their own names (hare1-<suffix>@localhost, ...), ports and data under
# reef-cluster-tests/target/rabbit-nodes/; the machine's broker on 5672 is never touched. The
# tests stop every node they started, by process id, also when they fail; this script stops
# whatever a killed test JVM left behind.
#   .ci/cluster-tests.sh [extra mvn args, e.g. -Dcluster.spores=20000 -Dcluster.runs=5]
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/broker.sh # installs rabbitmq-server if needed (the nodes use its scripts)

cleanup() {
  local dir=reef-cluster-tests/target/rabbit-nodes
  [[ -d $dir ]] || return 0
  for node in "$dir"/*/; do
    [[ -d $node ]] || continue
    bash .ci/rabbit-node.sh stop "$(basename "$node")" --dir "$dir" || true
  done
}
trap cleanup EXIT

mvn -B -Pcluster -pl reef-cluster-tests -am verify \
  -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*ClusterIT' -Dfailsafe.failIfNoSpecifiedTests=false "$@"

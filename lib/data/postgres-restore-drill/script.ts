/**
 * The physical restore drill's script (the kubectl image, POSIX sh). Contract, through environment
 * variables: NAMESPACE, SOURCE_CLUSTER, DRILL_CLUSTER (the throwaway Cluster `DRILL_DIR/cluster.yaml`
 * defines), DRILL_POD (its first instance), DATABASE, DRILL_TABLES (space-separated; empty: every
 * table of the recovered database), WAIT_SECONDS and RTO_SECONDS.
 *
 * The drill Cluster is deleted on every exit — success, failure, the job's deadline (SIGTERM) —
 * and a leftover of a run killed harder is deleted before the next one starts: it holds volumes
 * as large as production's.
 */
export function physicalDrillScript(drillDir: string): string {
  return `#!/bin/sh
set -eu
log() { printf '%s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "FAILED: $*" >&2; exit 1; }
command -v kubectl > /dev/null 2>&1 || fail "kubectl is not in this image"
kc() { kubectl --namespace "$NAMESPACE" "$@"; }
cluster="cluster.postgresql.cnpg.io/$DRILL_CLUSTER"
cleanup() {
  kc delete "$cluster" --ignore-not-found --wait=false > /dev/null 2>&1 \\
    || log "WARNING: could not delete $cluster; delete it by hand, it holds a full copy of $SOURCE_CLUSTER"
  log "deleted $cluster"
}
log "deleting a drill cluster an earlier run left behind, if any"
kc delete "$cluster" --ignore-not-found --wait=true --timeout=600s
trap 'status=$?; trap - EXIT; cleanup; exit "$status"' EXIT
trap 'exit 143' TERM INT
started=$(date -u +%s)
log "creating $DRILL_CLUSTER, recovered from the object store of $SOURCE_CLUSTER (newest base backup and all archived WAL)"
kc create --filename "${drillDir}/cluster.yaml"
kc wait "$cluster" --for=condition=Ready --timeout="\${WAIT_SECONDS}s" \\
  || fail "$DRILL_CLUSTER did not become Ready within $WAIT_SECONDS s (the RTO is $RTO_SECONDS s)"
ready=$(( $(date -u +%s) - started ))
log "time to Ready: $ready s (RTO $RTO_SECONDS s)"
sql() {
  kc exec "$DRILL_POD" --container postgres -- psql --no-psqlrc --tuples-only --no-align -v ON_ERROR_STOP=1 --dbname="$DATABASE" --command="$1"
}
if [ -n "$DRILL_TABLES" ]; then
  tables=$(printf '%s\\n' $DRILL_TABLES)
else
  tables=$(sql "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables ORDER BY 1") || fail "cannot list the tables of the recovered database"
fi
checked=0
while IFS= read -r table; do
  [ -n "$table" ] || continue
  rows=$(sql "SELECT count(*) FROM $table") || fail "cannot read $table in the recovered database"
  log "OK $table: $rows rows"
  checked=$((checked + 1))
done <<TABLES
$tables
TABLES
[ "$checked" -gt 0 ] || fail "the recovered database $DATABASE has no table to check"
[ "$ready" -le "$RTO_SECONDS" ] && verdict=within || verdict=over
log "restore drill passed: $DRILL_CLUSTER Ready in $ready s, $verdict the RTO of $RTO_SECONDS s; $checked tables read in full"
`;
}

/**
 * The shell scripts of BackupSchedule's jobs, as pure functions of their options.
 *
 * Every script is POSIX sh: the job images' /bin/sh differ (dash in the Debian-based postgres and
 * redis images, bash in amazon/aws-cli), and dash has no `pipefail`. So the scripts pipe only where
 * a truncated stream is detected at its end anyway (the COPY splitter insists on pg_dump's closing
 * "dump complete" line), and turn pipefail on where the shell has it.
 *
 * Contract with the containers, all through environment variables (credentials only from Secrets,
 * never in the script text or in argv):
 * - WORK_DIR: the shared work volume; the dump step writes `out/`, the fetch step writes `in/`,
 *   a PostgreSQL drill its throwaway server's data directory and socket. TMPDIR lies inside it.
 * - S3_ENDPOINT, S3_BUCKET, S3_PREFIX, AWS_DEFAULT_REGION, S3_SSE, S3_SSE_KMS_KEY_ID,
 *   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: the backup target (OFFSITE_-prefixed for the copy).
 * - PG* (libpq's own variables) or REDIS_HOST, REDIS_PORT, REDISCLI_AUTH: the source, for the
 *   dump step only; with REDIS_SENTINEL_MASTER, REDIS_HOST and REDIS_PORT lead to sentinels that
 *   name the master. A drill has no connection to the source: it restores in its own pod.
 * - DRILL_CHECK_SQL: a PostgreSQL drill's extra check, run in the restored database.
 * - BACKUP_ENCRYPTION_KEY: the client-side encryption passphrase.
 *
 * Layout in the bucket: `<prefix>/<UTC stamp>/` holds the dump, `manifest.tsv` and `SHA256SUMS`.
 * SHA256SUMS is uploaded last and deleted first, so a set is complete exactly when it has one;
 * incomplete sets (an interrupted upload or prune) are never restored or counted as backups.
 */

/** Which database a script works on. */
export type BackupEngine = 'postgres' | 'redis';

/** How many backups to keep: the newest `value` complete sets, or those of the last `value` days. */
export interface RetentionRule {
  readonly kind: 'count' | 'days';
  readonly value: number;
}

/** The dump file's name inside a backup set (before encryption). */
export function dumpFileName(engine: BackupEngine): string {
  return engine === 'postgres' ? 'backup.dump' : 'backup.rdb';
}

/** Names of the uploaded objects of one backup set, besides SHA256SUMS. */
export function backupSetFiles(engine: BackupEngine, encrypted: boolean): string[] {
  const suffix = encrypted ? '.enc' : '';
  return [`${dumpFileName(engine)}${suffix}`, `manifest.tsv${suffix}`];
}

/**
 * Tags a script template: `$\{` stands for the shell's `${` (a template literal would take
 * `${...}` for its own interpolation), and backslashes stay as written.
 */
function sh(strings: TemplateStringsArray, ...values: string[]): string {
  return String.raw(strings, ...values)
    .replace(/\$\\\{/g, '${')
    .replace(/^\n/, '');
}

const PRELUDE = sh`
#!/bin/sh
set -eu
# dash (the Debian images' /bin/sh) has no pipefail; bash and busybox ash do.
if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi
umask 077
# Temporary files (sort's spills of a large table) go to the work volume, not the small /tmp.
mkdir -p "$\{TMPDIR:-/tmp}"
log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "FAILED: $*" >&2; exit 1; }
need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not in this image; use an image that provides it"
  done
}
`;

/** S3 helpers: listing complete backup sets and uploading with the target's server-side encryption. */
const S3_FUNCTIONS = sh`
STAMP_GLOB='[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z'
base="$\{S3_PREFIX:+$S3_PREFIX/}"
s3() { aws --endpoint-url "$S3_ENDPOINT" "$@"; }
# list_sets CLIENT BUCKET BASE COMPLETE ALL: stamps of complete sets and of all sets, oldest first.
list_sets() {
  "$1" s3api list-objects-v2 --bucket "$2" --prefix "$3" --query 'Contents[].[Key]' --output text > "$WORK_DIR/keys"
  : > "$4"; : > "$5"
  while IFS= read -r key; do
    rest=$\{key#"$3"}
    case $rest in $STAMP_GLOB/SHA256SUMS) printf '%s\n' "$\{rest%%/*}" >> "$4" ;; esac
    case $rest in $STAMP_GLOB/*) printf '%s\n' "$\{rest%%/*}" >> "$5" ;; esac
  done < "$WORK_DIR/keys"
  LC_ALL=C sort -u -o "$4" "$4"
  LC_ALL=C sort -u -o "$5" "$5"
}
# cp_sse CLIENT SSE KMS_KEY ARGS...: aws s3 cp with the target's server-side encryption.
cp_sse() {
  client=$1; sse=$2; kms=$3; shift 3
  if [ -n "$kms" ]; then "$client" s3 cp --only-show-errors --sse aws:kms --sse-kms-key-id "$kms" "$@"
  elif [ -n "$sse" ]; then "$client" s3 cp --only-show-errors --sse "$sse" "$@"
  else "$client" s3 cp --only-show-errors "$@"
  fi
}
# put_set CLIENT DIR BUCKET SETKEY SSE KMS_KEY: the set's files, a size check, then SHA256SUMS,
# which makes the set complete.
put_set() {
  cp_sse "$1" "$5" "$6" --recursive --exclude SHA256SUMS "$2/" "s3://$3/$4/"
  "$1" s3api list-objects-v2 --bucket "$3" --prefix "$4/" --query 'Contents[].[Key,Size]' --output text > "$WORK_DIR/stored"
  while read -r sum file; do
    file=$\{file#\*}
    size=$(wc -c < "$2/$file" | tr -d ' ')
    grep -qxF "$4/$file	$size" "$WORK_DIR/stored" || fail "s3://$3/$4/$file is missing or does not hold $size bytes"
  done < "$2/SHA256SUMS"
  cp_sse "$1" "$5" "$6" "$2/SHA256SUMS" "s3://$3/$4/SHA256SUMS"
}
`;

/**
 * Splits pg_dump/pg_restore plain-text output into one file of COPY data lines per table and
 * fails unless the stream ends with pg_dump's closing line, which is how a pg_dump or pg_restore
 * that died mid-stream is caught without pipefail.
 */
const COPY_FUNCTIONS = sh`
# split_copy DIR < plain SQL: DIR/N holds table N's COPY lines, DIR/N.name its name.
split_copy() {
  rm -rf "$1"; mkdir -p "$1"
  awk -v dir="$1" '
    inside == 1 {
      if ($0 == "\\.") { inside = 0; close(file); next }
      print > file; next
    }
    /^COPY .* FROM stdin;$/ {
      t = $0; sub(/^COPY /, "", t); sub(/ FROM stdin;$/, "", t); sub(/ \(.*$/, "", t)
      n++; file = dir "/" n; printf "" > file
      print t > (dir "/" n ".name"); close(dir "/" n ".name")
      inside = 1; next
    }
    /^-- PostgreSQL database dump complete$/ { complete = 1 }
    END { if (inside || !complete) { print "the dump stream ended early" > "/dev/stderr"; exit 3 } }
  '
}
# summarize DIR OUT: one line per table: name, rows, sha256 of its COPY lines in byte order.
summarize() {
  : > "$2"
  i=1
  while [ -f "$1/$i" ]; do
    name=$(cat "$1/$i.name")
    rows=$(awk 'END { print NR }' "$1/$i")
    LC_ALL=C sort -o "$1/$i.sorted" "$1/$i"
    sum=$(sha256sum "$1/$i.sorted")
    printf '%s\t%s\t%s\n' "$name" "$rows" "$\{sum%% *}" >> "$2"
    rm -f "$1/$i" "$1/$i.sorted" "$1/$i.name"
    i=$((i + 1))
  done
  LC_ALL=C sort -o "$2" "$2"
}
`;

const ENCRYPT = sh`
# AES-256-CBC with a PBKDF2-derived key; the passphrase is read from the environment, never argv.
encrypt() { openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -salt -pass env:BACKUP_ENCRYPTION_KEY -in "$1" -out "$1.enc"; rm -f "$1"; }
`;

const DECRYPT = sh`
decrypt() {
  openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass env:BACKUP_ENCRYPTION_KEY -in "$1.enc" -out "$1" \
    || fail "cannot decrypt $1.enc (wrong BACKUP_ENCRYPTION_KEY or a corrupted object)"
  rm -f "$1.enc"
}
`;

/** Writes `out/SHA256SUMS` over the set's files, and the set's stamp to `STAMP` (not uploaded). */
function sealSet(files: readonly string[]): string {
  return sh`
(cd "$out" && sha256sum ${files.join(' ')} > SHA256SUMS)
printf '%s\n' "$stamp" > "$WORK_DIR/STAMP"
log "sealed backup $stamp: $(wc -c < "$out/${files[0]}") bytes"
`;
}

/** Step 1 of a PostgreSQL backup (the PostgreSQL image): pg_dump, manifest, optional encryption, checksums. */
export function postgresDumpScript(encrypted: boolean): string {
  const files = backupSetFiles('postgres', encrypted);
  return (
    PRELUDE +
    COPY_FUNCTIONS +
    (encrypted ? ENCRYPT : '') +
    sh`
need pg_dump pg_restore awk sort sha256sum wc date${encrypted ? ' openssl' : ''}
out="$WORK_DIR/out"
rm -rf "$out" "$WORK_DIR/STAMP"; mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log "dumping database $PGDATABASE from $PGHOST:$PGPORT"
pg_dump --format=custom --no-password --lock-wait-timeout=120s --file="$out/backup.dump"
# The manifest is computed from the dump file itself, so it describes exactly what was uploaded.
pg_restore --data-only --file=- "$out/backup.dump" | split_copy "$WORK_DIR/tables"
summarize "$WORK_DIR/tables" "$out/manifest.tsv"
log "manifest: $(awk 'END { print NR }' "$out/manifest.tsv") tables, $(awk -F '\t' '{ n += $2 } END { print n + 0 }' "$out/manifest.tsv") rows"
${encrypted ? 'encrypt "$out/backup.dump"\nencrypt "$out/manifest.tsv"\n' : ''}` +
    sealSet(files)
  );
}

/** Step 1 of a Redis backup (the Redis image): an RDB snapshot over the replication protocol, checked. */
export function redisDumpScript(encrypted: boolean): string {
  const files = backupSetFiles('redis', encrypted);
  return (
    PRELUDE +
    (encrypted ? ENCRYPT : '') +
    sh`
need redis-cli redis-check-rdb awk sha256sum wc date${encrypted ? ' openssl' : ''}
out="$WORK_DIR/out"
rm -rf "$out" "$WORK_DIR/STAMP"; mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ -n "$\{REDIS_SENTINEL_MASTER:-}" ]; then
  # Under Sentinel the master moves: ask for it on every run. The sentinels take no password.
  log "asking the sentinels at $REDIS_HOST:$REDIS_PORT for the master of $REDIS_SENTINEL_MASTER"
  master=$(unset REDISCLI_AUTH; redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --raw SENTINEL get-master-addr-by-name "$REDIS_SENTINEL_MASTER") \
    || fail "no sentinel answered at $REDIS_HOST:$REDIS_PORT"
  REDIS_HOST=$(printf '%s\n' "$master" | awk 'NR == 1')
  REDIS_PORT=$(printf '%s\n' "$master" | awk 'NR == 2')
  [ -n "$REDIS_HOST" ] && [ -n "$REDIS_PORT" ] || fail "the sentinels know no master named $REDIS_SENTINEL_MASTER"
fi
log "snapshotting Redis at $REDIS_HOST:$REDIS_PORT"
# The password, if any, comes from REDISCLI_AUTH, which redis-cli reads itself.
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --rdb "$out/backup.rdb"
redis-check-rdb "$out/backup.rdb" > "$WORK_DIR/check.txt" 2>&1 || { cat "$WORK_DIR/check.txt"; fail "the snapshot is not a valid RDB file"; }
keys=$(awk '$1 == "[info]" && $3 == "keys" && $4 == "read" { print $2 }' "$WORK_DIR/check.txt")
expires=$(awk '$1 == "[info]" && $3 == "expires" { print $2 }' "$WORK_DIR/check.txt")
[ -n "$keys" ] || fail "redis-check-rdb reported no key count"
printf 'keys\t%s\nexpires\t%s\n' "$keys" "$\{expires:-0}" > "$out/manifest.tsv"
log "manifest: $keys keys"
${encrypted ? 'encrypt "$out/backup.rdb"\nencrypt "$out/manifest.tsv"\n' : ''}` +
    sealSet(files)
  );
}

/** Step 2 of a backup (the AWS CLI image): verify the sealed set and upload it, SHA256SUMS last. */
export function uploadScript(): string {
  return (
    PRELUDE +
    S3_FUNCTIONS +
    sh`
need aws sha256sum wc tr grep date
out="$WORK_DIR/out"
[ -s "$out/SHA256SUMS" ] && [ -s "$WORK_DIR/STAMP" ] || fail "no sealed backup in $out (the dump step did not finish)"
(cd "$out" && sha256sum -c SHA256SUMS) || fail "the sealed backup in $out does not match its checksums"
stamp=$(cat "$WORK_DIR/STAMP")
log "uploading backup $stamp to s3://$S3_BUCKET/$base$stamp/"
put_set s3 "$out" "$S3_BUCKET" "$base$stamp" "$\{S3_SSE:-}" "$\{S3_SSE_KMS_KEY_ID:-}"
log "uploaded backup $stamp"
`
  );
}

/**
 * Step 3 of a backup (the AWS CLI image): retention. Keeps the newest RETENTION_COUNT complete sets,
 * or those younger than RETENTION_DAYS — and always the newest complete set, whatever its age.
 * Older sets go, incomplete ones too; incomplete sets newer than the cut stay (an upload may be running).
 */
export function pruneScript(): string {
  return (
    PRELUDE +
    S3_FUNCTIONS +
    sh`
need aws sort tr date awk tail head
list_sets s3 "$S3_BUCKET" "$base" "$WORK_DIR/complete" "$WORK_DIR/all"
total=$(awk 'END { print NR }' "$WORK_DIR/complete")
[ "$total" -gt 0 ] || fail "no complete backup under s3://$S3_BUCKET/$base; refusing to prune"
newest=$(tail -n 1 "$WORK_DIR/complete")
if [ -n "$\{RETENTION_COUNT:-}" ]; then
  [ "$RETENTION_COUNT" -ge 1 ] || fail "RETENTION_COUNT must be at least 1"
  # The oldest set to keep: the RETENTION_COUNT-th newest (or the oldest there is).
  keep_from=$(tail -n "$RETENTION_COUNT" "$WORK_DIR/complete" | head -n 1)
else
  [ "$RETENTION_DAYS" -ge 1 ] || fail "RETENTION_DAYS must be at least 1"
  keep_from=$(date -u -d "@$(( $(date -u +%s) - RETENTION_DAYS * 86400 ))" +%Y%m%dT%H%M%SZ)
fi
cut=$(printf '%s' "$keep_from" | tr -d TZ)
newest_n=$(printf '%s' "$newest" | tr -d TZ)
[ "$cut" -le "$newest_n" ] || cut=$newest_n
deleted=0
for stamp in $(cat "$WORK_DIR/all"); do
  n=$(printf '%s' "$stamp" | tr -d TZ)
  [ "$n" -lt "$cut" ] || continue
  # The marker goes first, so an interrupted prune leaves an incomplete set, never a broken complete one.
  s3 s3 rm --only-show-errors "s3://$S3_BUCKET/$base$stamp/SHA256SUMS"
  s3 s3 rm --only-show-errors --recursive "s3://$S3_BUCKET/$base$stamp/"
  log "deleted backup $stamp"
  deleted=$((deleted + 1))
done
# Check the promise instead of trusting the arithmetic: the newest complete set is still there.
list_sets s3 "$S3_BUCKET" "$base" "$WORK_DIR/complete" "$WORK_DIR/all"
[ "$(tail -n 1 "$WORK_DIR/complete")" = "$newest" ] || fail "the newest backup $newest is gone after pruning"
log "retention: deleted $deleted sets; $(awk 'END { print NR }' "$WORK_DIR/complete") complete backups remain, newest $newest"
`
  );
}

/** Step 1 of a restore drill (the AWS CLI image): fetch the newest complete set and verify its checksums. */
export function fetchScript(): string {
  return (
    PRELUDE +
    S3_FUNCTIONS +
    sh`
need aws sha256sum sort tail date
in="$WORK_DIR/in"
rm -rf "$in"; mkdir -p "$in"
list_sets s3 "$S3_BUCKET" "$base" "$WORK_DIR/complete" "$WORK_DIR/all"
[ -s "$WORK_DIR/complete" ] || fail "no complete backup under s3://$S3_BUCKET/$base"
stamp=$(tail -n 1 "$WORK_DIR/complete")
log "fetching backup $stamp from s3://$S3_BUCKET/$base$stamp/"
s3 s3 cp --only-show-errors --recursive "s3://$S3_BUCKET/$base$stamp/" "$in/"
(cd "$in" && sha256sum -c SHA256SUMS) || fail "backup $stamp does not match its SHA256SUMS: the object is corrupted"
printf '%s\n' "$stamp" > "$in/STAMP"
log "backup $stamp fetched and its checksums verified"
`
  );
}

/**
 * Step 2 of a PostgreSQL restore drill (the PostgreSQL image, as its postgres user): start a
 * throwaway server on the work volume, reachable only through its own socket, restore into it and
 * compare every table's row count and content checksum with the manifest written at backup time.
 * The drill never connects to the source server: a restore can neither load nor break production.
 */
export function postgresVerifyScript(encrypted: boolean): string {
  return (
    PRELUDE +
    COPY_FUNCTIONS +
    (encrypted ? DECRYPT : '') +
    sh`
need pg_restore pg_dump psql awk sort sha256sum date dirname${encrypted ? ' openssl' : ''}
# The server binaries: on PATH in CloudNativePG's images, under /usr/lib/postgresql/<major>/bin in Debian's.
initdb=$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1 || true)
bindir=$(dirname "$\{initdb:-/nonexistent/initdb}")
[ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] || fail "no PostgreSQL server binaries (initdb, pg_ctl) in this image; use the server's own image"
in="$WORK_DIR/in"
[ -s "$in/STAMP" ] || fail "no verified backup in $in (the fetch step did not finish)"
stamp=$(cat "$in/STAMP")
${encrypted ? 'decrypt "$in/backup.dump"\ndecrypt "$in/manifest.tsv"\n' : ''}pg_restore --list "$in/backup.dump" > /dev/null || fail "backup $stamp is not a readable pg_dump archive"
started=$(date -u +%s)
data="$WORK_DIR/drill/data"
sock="$WORK_DIR/drill/socket"
rm -rf "$WORK_DIR/drill"; mkdir -p "$sock"
"$bindir/initdb" --pgdata="$data" --username=drill --auth=trust --encoding=UTF8 --locale=C --no-sync > "$WORK_DIR/drill/initdb.log" 2>&1 \
  || { cat "$WORK_DIR/drill/initdb.log"; fail "initdb of the throwaway server failed"; }
# No TCP listener, no durability (it is thrown away), and dynamic shared memory in the data
# directory rather than the pod's small /dev/shm.
"$bindir/pg_ctl" --pgdata="$data" --log="$WORK_DIR/drill/server.log" --wait --timeout=300 --silent \
  --options="-c listen_addresses='' -c unix_socket_directories='$sock' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c dynamic_shared_memory_type=mmap" \
  start || { cat "$WORK_DIR/drill/server.log"; fail "the throwaway server did not start"; }
trap '"$bindir/pg_ctl" --pgdata="$data" --mode=immediate --wait --silent stop > /dev/null 2>&1 || true' EXIT
export PGHOST="$sock" PGUSER=drill PGDATABASE=restored
unset PGPORT PGPASSWORD PGSERVICE || true
log "restoring backup $stamp into a throwaway PostgreSQL server in this pod"
psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --dbname=postgres --command='CREATE DATABASE restored' > /dev/null
pg_restore --exit-on-error --no-owner --no-acl --dbname=restored "$in/backup.dump" || fail "backup $stamp does not restore"
restored=$(date -u +%s)
pg_dump --data-only --format=plain --dbname=restored --file=- | split_copy "$WORK_DIR/restored"
summarize "$WORK_DIR/restored" "$WORK_DIR/restored.tsv"
# Every table of the manifest must be back with the same rows and content, and nothing else.
awk -F '\t' '
  NR == FNR { want[$1] = $2 "\t" $3; rows[$1] = $2; next }
  {
    seen[$1] = 1
    if (!($1 in want)) { print "EXTRA    " $1; bad++ }
    else if (want[$1] != $2 "\t" $3) { print "MISMATCH " $1 ": " $2 " rows, manifest says " rows[$1]; bad++ }
    else { print "OK       " $1 ": " $2 " rows"; total += $2 }
  }
  END {
    for (t in want) if (!(t in seen)) { print "MISSING  " t; bad++ }
    if (bad) exit 1
  }
' "$in/manifest.tsv" "$WORK_DIR/restored.tsv" || fail "the restored database differs from backup $stamp's manifest"
if [ -n "$\{DRILL_CHECK_SQL:-}" ]; then
  result=$(psql --no-psqlrc --tuples-only --no-align -v ON_ERROR_STOP=1 --command="$DRILL_CHECK_SQL")
  [ "$result" = t ] || fail "the check query returned '$result', not t"
  log "check query passed"
fi
tables=$(awk 'END { print NR }' "$in/manifest.tsv")
rows=$(awk -F '\t' '{ n += $2 } END { print n + 0 }' "$in/manifest.tsv")
log "restore drill passed: backup $stamp, $tables tables, $rows rows, restored in $((restored - started)) s, verified in $(( $(date -u +%s) - restored )) s"
`
  );
}

/**
 * Step 2 of a Redis restore drill (the Redis image): check the RDB file, load it into a throwaway
 * redis-server on a unix socket (no network, no privileges) and compare its key count.
 */
export function redisVerifyScript(encrypted: boolean): string {
  return (
    PRELUDE +
    (encrypted ? DECRYPT : '') +
    sh`
need redis-server redis-cli redis-check-rdb awk sleep${encrypted ? ' openssl' : ''}
in="$WORK_DIR/in"
[ -s "$in/STAMP" ] || fail "no verified backup in $in (the fetch step did not finish)"
stamp=$(cat "$in/STAMP")
${encrypted ? 'decrypt "$in/backup.rdb"\ndecrypt "$in/manifest.tsv"\n' : ''}redis-check-rdb "$in/backup.rdb" > "$WORK_DIR/check.txt" 2>&1 || { cat "$WORK_DIR/check.txt"; fail "backup $stamp is not a valid RDB file"; }
want=$(awk -F '\t' '$1 == "keys" { print $2 }' "$in/manifest.tsv")
expires=$(awk -F '\t' '$1 == "expires" { print $2 }' "$in/manifest.tsv")
read_keys=$(awk '$1 == "[info]" && $3 == "keys" && $4 == "read" { print $2 }' "$WORK_DIR/check.txt")
[ "$read_keys" = "$want" ] || fail "backup $stamp holds $read_keys keys, its manifest says $want"
sock="$WORK_DIR/drill.sock"
redis-server --port 0 --unixsocket "$sock" --dir "$in" --dbfilename backup.rdb --save '' --appendonly no > "$WORK_DIR/redis.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
tries=0
until [ "$(redis-cli -s "$sock" ping 2>/dev/null || true)" = PONG ]; do
  tries=$((tries + 1))
  [ "$tries" -le 600 ] || { cat "$WORK_DIR/redis.log"; fail "the scratch redis-server did not load backup $stamp within 60 s"; }
  kill -0 "$pid" 2>/dev/null || { cat "$WORK_DIR/redis.log"; fail "the scratch redis-server exited while loading backup $stamp"; }
  sleep 0.1
done
loaded=$(redis-cli -s "$sock" dbsize)
# Keys with a TTL may have expired since the snapshot; nothing else may be missing.
[ "$loaded" -le "$want" ] && [ "$loaded" -ge $((want - expires)) ] || fail "the scratch server loaded $loaded keys, backup $stamp's manifest says $want ($expires with a TTL)"
redis-cli -s "$sock" shutdown nosave > /dev/null 2>&1 || true
log "restore drill passed: backup $stamp, $loaded of $want keys loaded"
`
  );
}

/** The off-site copy (the AWS CLI image): copies complete sets missing at the second target, SHA256SUMS last. */
export function offsiteSyncScript(): string {
  return (
    PRELUDE +
    S3_FUNCTIONS +
    sh`
need aws sha256sum grep wc tr sort date
offsite() (
  export AWS_ACCESS_KEY_ID="$OFFSITE_AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$OFFSITE_AWS_SECRET_ACCESS_KEY" AWS_DEFAULT_REGION="$OFFSITE_AWS_DEFAULT_REGION"
  aws --endpoint-url "$OFFSITE_S3_ENDPOINT" "$@"
)
obase="$\{OFFSITE_S3_PREFIX:+$OFFSITE_S3_PREFIX/}"
list_sets s3 "$S3_BUCKET" "$base" "$WORK_DIR/src.complete" "$WORK_DIR/src.all"
list_sets offsite "$OFFSITE_S3_BUCKET" "$obase" "$WORK_DIR/dst.complete" "$WORK_DIR/dst.all"
[ -s "$WORK_DIR/src.complete" ] || fail "no complete backup under s3://$S3_BUCKET/$base to copy"
copied=0
present=0
for stamp in $(cat "$WORK_DIR/src.complete"); do
  if grep -qx "$stamp" "$WORK_DIR/dst.complete"; then present=$((present + 1)); continue; fi
  dir="$WORK_DIR/sync/$stamp"
  rm -rf "$dir"; mkdir -p "$dir"
  s3 s3 cp --only-show-errors --recursive "s3://$S3_BUCKET/$base$stamp/" "$dir/"
  (cd "$dir" && sha256sum -c SHA256SUMS) || fail "backup $stamp does not match its SHA256SUMS; not copying it"
  put_set offsite "$dir" "$OFFSITE_S3_BUCKET" "$obase$stamp" "$\{OFFSITE_S3_SSE:-}" "$\{OFFSITE_S3_SSE_KMS_KEY_ID:-}"
  rm -rf "$dir"
  log "copied backup $stamp to s3://$OFFSITE_S3_BUCKET/$obase$stamp/"
  copied=$((copied + 1))
done
log "offsite sync: copied $copied, already there $present"
`
  );
}

#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster on 127.0.0.1, with
# PCA_TEST_DATABASE_URL pointing at it; the cluster is removed on exit.
# Installs Debian's postgresql when it is missing (needs root, as on CI).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "with-postgres: installing Debian's postgresql" >&2
  apt-get update -q >/dev/null
  apt-get install -y -q postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=${PCA_TEST_PG_PORT:-54329}
PGDATA=$(mktemp -d /tmp/pca-pg.XXXXXX)
PWFILE="$PGDATA.pw"

cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA" "$PWFILE"
}
trap cleanup EXIT

chown postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
echo postgres > "$PWFILE"
chown postgres "$PWFILE"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile="$PWFILE" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
# fsync=off: a throwaway test cluster only.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories=$PGDATA -c fsync=off -c max_connections=300" start >/dev/null
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT" >&2

export PCA_TEST_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$PGPORT/postgres"
"$@"

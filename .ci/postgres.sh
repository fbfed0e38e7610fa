#!/usr/bin/env bash
# Start a PostgreSQL server on loopback for the history-store tests, and print the URL they read.
#
#   eval "$(.ci/postgres.sh)"      # then: python -m pytest tests/storage ...
#
# Run as root on Debian/Ubuntu (a fresh CI machine gets postgresql from apt first). Idempotent: an
# installed, running server, an existing user or database are left as they are. Progress goes to stderr;
# stdout is only the `export CRITBENCH_TEST_POSTGRES_URL=...` line, so the output can be eval'ed.
set -euo pipefail

PG_USER=critbench
PG_PASSWORD=critbench
PG_DATABASE=critbench_test

log() { echo "postgres.sh: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ -z "$version" ]; then
    log "no PostgreSQL server under /usr/lib/postgresql"
    exit 1
fi
cluster_field() {  # cluster_field N: column N of `pg_lsclusters` for $version/main (3 = port, 4 = status)
    pg_lsclusters -h | awk -v v="$version" -v n="$1" '$1 == v && $2 == "main" {print $n}'
}
if [ -z "$(cluster_field 3)" ]; then
    log "creating cluster $version/main"
    pg_createcluster "$version" main >&2
fi
port=$(cluster_field 3)
if [ "$(cluster_field 4)" != "online" ]; then
    log "starting PostgreSQL $version on 127.0.0.1:$port"
    # Loopback only, whatever postgresql.conf says.
    pg_ctlcluster "$version" main start -- -o "-c listen_addresses=127.0.0.1" >&2
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    log "PostgreSQL did not accept connections on 127.0.0.1:$port within 30 s"
    exit 1
fi

psql_admin() {  # the postgres superuser over the Unix socket (peer authentication)
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"
    else
        psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"
    fi
}

psql_admin -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
        CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD';
    END IF;
END
\$\$;
SQL
if [ -z "$(psql_admin -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ]; then
    log "creating database $PG_DATABASE"
    psql_admin -d postgres -c "CREATE DATABASE $PG_DATABASE OWNER $PG_USER" >&2
fi

echo "export CRITBENCH_TEST_POSTGRES_URL=postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DATABASE"

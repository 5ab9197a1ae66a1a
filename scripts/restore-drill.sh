#!/usr/bin/env bash
# Backup and restore drill: dump the portal's database, restore the dump into a fresh database,
# re-apply the app role's privileges and verify every ledger chain and checkpoint there.
#
#   PGHOST=db PGUSER=portal_owner scripts/restore-drill.sh portal portal_drill portal_app
#
# Connects as the owner role from the usual PG* variables; the PostgreSQL client tools (pg_dump,
# pg_restore, createdb, dropdb, psql) must be on PATH and `flask` in the portal's environment.
# The verification runs as the app role (DRILL_DATABASE_URL overrides its connection URL).
set -euo pipefail
source_db="$1"
drill_db="$2"
app_role="${3:-portal_app}"
dump="$(mktemp --suffix=.dump)"
trap 'rm -f "$dump"' EXIT

pg_dump --format=custom --file="$dump" "$source_db"
dropdb --if-exists "$drill_db"
createdb "$drill_db"
pg_restore --no-owner --exit-on-error --dbname="$drill_db" "$dump"
psql --quiet --set=ON_ERROR_STOP=1 -v app_role="$app_role" --dbname="$drill_db" \
  --file="$(dirname "$0")/app-role.sql"

url="${DRILL_DATABASE_URL:-postgresql://${app_role}@${PGHOST:-localhost}:${PGPORT:-5432}/${drill_db}}"
DATABASE_URL="$url" flask --app wsgi evidence verify
echo "Restore drill OK: $source_db restored into $drill_db and verified."

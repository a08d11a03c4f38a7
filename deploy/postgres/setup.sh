#!/usr/bin/env bash
# Veldwijzer's PostgreSQL roles, least privilege.
#
#   deploy/postgres/setup.sh roles    # once: the two roles, the database, default privileges
#   deploy/postgres/setup.sh grants   # after every migration (deploy/migrate.sh does it)
#
# Run as a superuser (on Debian: sudo -u postgres); psql's usual PGHOST/PGPORT/PGUSER apply.
#   veldwijzer_owner  owns the database and the schema; runs the migrations (flask db upgrade).
#   veldwijzer_app    what the app servers and the timers log in as: SELECT, INSERT, UPDATE and
#                     DELETE on the app's tables, no DDL; on audit_events only INSERT and SELECT,
#                     so no one who takes over the app can change or erase the audit trail.
# Passwords: VELDWIJZER_OWNER_PASSWORD and VELDWIJZER_APP_PASSWORD (set on every `roles` run;
# an empty one leaves the role without a password, for peer or certificate login).
# Names: VELDWIJZER_DB (veldwijzer), VELDWIJZER_OWNER_ROLE, VELDWIJZER_APP_ROLE.
set -euo pipefail

DB=${VELDWIJZER_DB:-veldwijzer}
OWNER=${VELDWIJZER_OWNER_ROLE:-veldwijzer_owner}
APP=${VELDWIJZER_APP_ROLE:-veldwijzer_app}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v db="$DB" -v owner="$OWNER" -v app="$APP")

roles() {
  "${PSQL[@]}" -d postgres -v owner_password="${VELDWIJZER_OWNER_PASSWORD:-}" \
    -v app_password="${VELDWIJZER_APP_PASSWORD:-}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- Neither may create roles or databases, nor bypass row security.
SELECT format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', r.name,
              NULLIF(r.password, ''))
  FROM (VALUES (:'owner', :'owner_password'), (:'app', :'app_password')) AS r(name, password) \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
\connect :"db"
-- The schema belongs to the owner; the app may use it but not create anything in it.
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- Every table and sequence a migration creates gets the app's grants straight away...
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
SQL
  grants
}

# ...and after a migration the exceptions are applied again (idempotent).
grants() {
  "${PSQL[@]}" -d "$DB" <<'SQL'
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM :"app";
-- The audit log: written and read, never changed or removed by the app.
SELECT format('REVOKE UPDATE, DELETE ON TABLE %I.%I FROM %I', schemaname, tablename, :'app')
  FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events' \gexec
-- The migration bookkeeping is the owner's.
SELECT format('REVOKE INSERT, UPDATE, DELETE ON TABLE %I.%I FROM %I', schemaname, tablename, :'app')
  FROM pg_tables WHERE schemaname = 'public' AND tablename = 'alembic_version' \gexec
SQL
}

case "${1:-}" in
  roles) roles ;;
  grants) grants ;;
  *) echo "usage: $0 roles|grants" >&2; exit 2 ;;
esac

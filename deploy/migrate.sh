#!/usr/bin/env bash
# Migrate the database as the owner role, then apply the app role's grants to what changed.
#
#   sudo -u veldwijzer VELDWIJZER_OWNER_URL=postgresql://veldwijzer_owner:…@127.0.0.1/veldwijzer deploy/migrate.sh
#
# The owner's URL is read from VELDWIJZER_OWNER_URL (or /etc/veldwijzer/owner.env, readable by
# root only, when it is not set). The grants step logs in as that owner too (it owns every table).
set -euo pipefail
cd "$(dirname "$0")/.."
# The app's own settings (WEBAPP_ENV, the secret key), when run by hand on the server.
if [ -z "${WEBAPP_ENV:-}" ] && [ -r /etc/veldwijzer/veldwijzer.env ]; then
  set -a; . /etc/veldwijzer/veldwijzer.env; set +a
fi
if [ -z "${VELDWIJZER_OWNER_URL:-}" ] && [ -r /etc/veldwijzer/owner.env ]; then
  # shellcheck disable=SC1091
  . /etc/veldwijzer/owner.env
fi
: "${VELDWIJZER_OWNER_URL:?set VELDWIJZER_OWNER_URL to the postgresql:// URL of the owner role}"
FLASK=${FLASK:-.venv/bin/flask}
FLASK_APP=webapp:create_app WEBAPP_DATABASE_URL="$VELDWIJZER_OWNER_URL" "$FLASK" db upgrade
# psql understands the same URL; the database name in it wins over VELDWIJZER_DB.
VELDWIJZER_DB="$VELDWIJZER_OWNER_URL" deploy/postgres/setup.sh grants

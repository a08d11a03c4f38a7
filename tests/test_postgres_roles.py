"""deploy/postgres/setup.sh: the app's role can use the tables, but cannot change the schema,
and can only add to and read the audit log."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.deploy_support import APP, DEPLOY, OWNER, pg_env, provision, run

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def roles_db(request):
    if "postgresql" not in request.config.getoption("--databases"):
        pytest.skip("PostgreSQL not among --databases")
    server = request.getfixturevalue("postgres_server")
    owner_url, app_url = provision(server, "veldwijzer_roles")
    return server, owner_url, app_url


def refused(conn, sql, params=None):
    with pytest.raises(errors.InsufficientPrivilege):
        with conn.transaction():
            conn.execute(sql, params)


def test_the_app_role_uses_the_tables_but_not_the_schema(roles_db):
    _, owner_url, app_url = roles_db
    with psycopg.connect(app_url, autocommit=True) as app:
        who = app.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user").fetchone()
        assert who == (APP, False)
        with app.transaction():
            app.execute("INSERT INTO regions (name) VALUES ('Rolregio')")
            app.execute("UPDATE regions SET name = 'Rolregio 2' WHERE name = 'Rolregio'")
            assert app.execute("SELECT count(*) FROM regions WHERE name = 'Rolregio 2'").fetchone() == (1,)
            app.execute("DELETE FROM regions WHERE name = 'Rolregio 2'")
        refused(app, "ALTER TABLE notes ADD COLUMN sneaky text")
        refused(app, "DROP TABLE notes")
        refused(app, "CREATE TABLE sneaky (id int)")
        refused(app, "TRUNCATE notes")
        refused(app, "UPDATE alembic_version SET version_num = 'x'")


def test_the_app_role_can_only_add_to_and_read_the_audit_log(roles_db):
    _, owner_url, app_url = roles_db
    with psycopg.connect(app_url, autocommit=True) as app:
        app.execute("INSERT INTO audit_events (at, action, outcome, object_type) "
                    "VALUES (now(), 'read', 'success', 'clients')")
        [(count,)] = app.execute("SELECT count(*) FROM audit_events").fetchall()
        assert count >= 1
        refused(app, "UPDATE audit_events SET object_type = 'weg'")
        refused(app, "DELETE FROM audit_events")
        refused(app, "TRUNCATE audit_events")
        refused(app, "ALTER TABLE audit_events DISABLE TRIGGER ALL")
    with psycopg.connect(owner_url, autocommit=True) as owner:  # the owner (migrations, retention) still can
        assert owner.execute("UPDATE audit_events SET object_type = object_type").rowcount == count


def test_a_table_from_a_later_migration_gets_the_grants_by_default(roles_db):
    server, owner_url, app_url = roles_db
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute("CREATE TABLE later_feature (id bigserial PRIMARY KEY, label text)")
    with psycopg.connect(app_url, autocommit=True) as app:
        app.execute("INSERT INTO later_feature (label) VALUES ('nieuw')")
        assert app.execute("SELECT label FROM later_feature").fetchall() == [("nieuw",)]
        refused(app, "ALTER TABLE later_feature ADD COLUMN x int")
    # Running the grants again (after every migration) changes nothing for the audit log.
    run([DEPLOY / "postgres" / "setup.sh", "grants"], pg_env(server, VELDWIJZER_DB="veldwijzer_roles"))
    with psycopg.connect(app_url, autocommit=True) as app:
        refused(app, "DELETE FROM audit_events")
        with psycopg.connect(owner_url) as owner:
            assert owner.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'notes'").fetchone() == (OWNER,)


def test_retention_runs_as_the_owner_because_the_app_role_cannot_delete_audit_rows(roles_db):
    """deploy/systemd/veldwijzer-retention-apply.service gives `flask retention apply` the owner's URL."""
    import subprocess
    import sys

    _, owner_url, app_url = roles_db

    def retention(url):
        return subprocess.run([sys.executable, "-m", "flask", "retention", "apply"], capture_output=True, text=True,
                              env=pg_env(roles_db[0], WEBAPP_DATABASE_URL=url, FLASK_APP="webapp:create_app",
                                         WEBAPP_SECRET_KEY="retention"))

    refused = retention(app_url)
    assert refused.returncode != 0 and "permission denied" in (refused.stdout + refused.stderr)
    done = retention(owner_url)
    assert done.returncode == 0, done.stdout + done.stderr

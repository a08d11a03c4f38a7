"""Command-line commands: ``flask user create``, ``flask demo-data``, ``flask flows``, ``flask retention``,
the periodic checks."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from webapp.auth.models import Role
from webapp.db import db

user_cli = AppGroup("user", help="Manage users.")


@user_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name as shown in the app.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", "organisation_name", required=True, help="Exact name of the organisation or team.")
@click.option("--email", default=None)
@click.password_option(help="Asked for when not given.")
def create_user_command(username, display_name, role, organisation_name, email, password):
    """Create a user in an existing organisation."""
    from webapp.auth.models import User
    from webapp.auth.services import create_user, normalise_username
    from webapp.organisations.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if org is None:
        raise click.ClickException(f"no organisation named {organisation_name!r}")
    if db.session.scalar(select(User).where(User.username == normalise_username(username))):
        raise click.ClickException(f"user {username!r} exists already")
    if len(password) < 12:
        raise click.ClickException("the password needs at least 12 characters")
    user = create_user(username=username, display_name=display_name, role=Role(role), organisation=org,
                       password=password, email=email)
    db.session.commit()
    click.echo(f"created {user.username} ({user.role.value}, {org.name})")


@click.command("demo-data")
@with_appcontext
@click.option("--force", is_flag=True, help="Load even when the database already has data (development only).")
def demo_data_command(force):
    """Load the fictional demo region, its organisations, users and clients (never in production)."""
    from webapp.demo import DemoDataRefused, load_demo_data

    try:
        loaded = load_demo_data(force=force)
    except DemoDataRefused as exc:
        raise click.ClickException(str(exc)) from exc
    if loaded:
        db.session.commit()
        click.echo("demo data loaded")
    else:
        click.echo("the database has data already; demo data not loaded again")
    from webapp.auth.models import User

    demo_users = db.session.scalars(select(User.username).where(User.username.like("demo-%"))
                                    .order_by(User.username)).all()
    if demo_users:
        click.echo(f"demo logins (password: {current_app.config['DEMO_PASSWORD']}):")
        for username in ("demo-hulpverlener", "demo-wijkagent", "demo-coordinator"):
            if username in demo_users:
                click.echo(f"  {username}")


flows_cli = AppGroup("flows", help="Check and version the flow files.")


@flows_cli.command("check")
def flows_check_command():
    """Validate every flow file and compare it with versions.lock.json."""
    from webapp.flows.loader import FlowError, load_library, read_lock, version_problems

    try:
        library = load_library()
    except FlowError as exc:
        raise click.ClickException(str(exc)) from exc
    problems = version_problems(library, read_lock())
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException("flow versions are not up to date")
    click.echo(f"{len(library.flows)} flows and the belkaart are valid and versioned")


@flows_cli.command("lock")
def flows_lock_command():
    """Record the version and content hash of every flow in versions.lock.json."""
    from webapp.flows.loader import FlowError, load_library, read_lock, write_lock

    try:
        library = load_library()
    except FlowError as exc:
        raise click.ClickException(str(exc)) from exc
    old = read_lock()
    for doc in list(library.flows.values()) + [library.belkaart]:
        locked = old.get(doc.id)
        if locked and locked["sha256"] != doc.content_hash and doc.version <= locked["version"]:
            raise click.ClickException(f"{doc.id} changed: raise its version (now {doc.version}) first")
    write_lock(library)
    click.echo("versions.lock.json written")


visits_cli = AppGroup("visits", help="Home visits.")


@visits_cli.command("check-overdue")
def check_overdue_command():
    """Notify the team of visits whose check-out is overdue. Safe to run again: each visit is notified once."""
    from webapp.visits.services import check_overdue

    notified = check_overdue()
    db.session.commit()
    click.echo(f"{len(notified)} overdue visit(s) notified")


retention_cli = AppGroup("retention", help="Remove what the retention rule no longer allows to keep.")


@retention_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def retention_apply_command(dry_run):
    """Delete audit rows, login failures and ended sessions older than their retention term."""
    from webapp.audit.retention import apply_retention

    results = apply_retention(dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    for rule in results:
        click.echo(f"{rule.table}: {verb} {rule.rows} row(s) older than {rule.cutoff:%Y-%m-%d %H:%M} UTC "
                   f"(kept {rule.days} days)")


incidents_cli = AppGroup("incidents", help="Incidents and their evaluation.")


@incidents_cli.command("remind")
def remind_command():
    """Remind once about evaluations still open 14 days after the incident. Safe to run again (and in parallel)."""
    from webapp.incidents.services import remind_open_evaluations

    reminded = remind_open_evaluations()
    db.session.commit()
    click.echo(f"{len(reminded)} open evaluation(s) reminded")


def register(app) -> None:
    app.cli.add_command(visits_cli)
    app.cli.add_command(incidents_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(flows_cli)
    app.cli.add_command(retention_cli)

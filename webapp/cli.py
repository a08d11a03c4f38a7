"""Command-line commands: ``flask user``, ``flask region``, ``flask organisation``, ``flask demo-data``,
``flask flows``, ``flask retention``, the periodic checks."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from webapp.auth.models import Role
from webapp.organisations.models import OrganisationKind
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


@user_cli.command("reset-2fa")
@click.argument("username")
def reset_two_factor_command(username):
    """Clear a user's two-factor set-up (phone and recovery codes lost) and end their sessions."""
    from webapp.auth.models import User
    from webapp.auth.services import normalise_username, reset_two_factor

    user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    ended = reset_two_factor(user, reason="two-factor reset (command line)")
    db.session.commit()
    click.echo(f"two-factor login of {user.username} cleared, {ended} session(s) ended; "
               "they set up an authenticator app at their next login")


region_cli = AppGroup("region", help="Regions (werkgebieden), their municipalities and postcode areas.")


def _postcodes(text: str) -> list[str]:
    from webapp.contacts.phones import InvalidInput, parse_postcode_list

    try:
        postcodes = parse_postcode_list(text)
    except InvalidInput as exc:
        raise click.BadParameter(str(exc)) from exc
    if not postcodes:
        raise click.BadParameter("give at least one postcode area, e.g. 3511-3514,3520")
    return postcodes


def _region(name: str):
    from webapp.organisations.models import Region

    region = db.session.scalar(select(Region).where(Region.name == name))
    if region is None:
        raise click.ClickException(f"no region named {name!r}")
    return region


@region_cli.command("create")
@click.argument("name")
def region_create_command(name):
    """Create a region (werkgebied)."""
    from webapp.organisations.models import Region

    if db.session.scalar(select(Region).where(Region.name == name)):
        raise click.ClickException(f"region {name!r} exists already")
    db.session.add(Region(name=name))
    db.session.commit()
    click.echo(f"created region {name}")


@region_cli.command("add-municipality")
@click.argument("region_name")
@click.argument("name")
@click.option("--postcodes", required=True, help="Its 4-digit postcode areas: '3511-3514, 3520'.")
def region_add_municipality_command(region_name, name, postcodes):
    """Add a municipality with its postcode areas to a region (or add areas to one it has)."""
    from webapp.contacts.phones import format_postcode_list
    from webapp.organisations.models import Municipality, PostcodeArea

    region = _region(region_name)
    areas = _postcodes(postcodes)
    taken = db.session.scalars(select(PostcodeArea).where(PostcodeArea.postcode.in_(areas))).all()
    elsewhere = sorted(a.postcode for a in taken if a.municipality.name != name or a.municipality.region_id != region.id)
    if elsewhere:
        raise click.ClickException("postcode area(s) of another municipality already: " + ", ".join(elsewhere))
    municipality = next((m for m in region.municipalities if m.name == name), None)
    if municipality is None:
        municipality = Municipality(name=name, region=region)
        db.session.add(municipality)
    have = {a.postcode for a in taken}
    municipality.postcodes.extend(PostcodeArea(postcode=pc) for pc in areas if pc not in have)
    db.session.commit()
    click.echo(f"{name} ({region.name}): {format_postcode_list([a.postcode for a in municipality.postcodes])}")


@region_cli.command("list")
def region_list_command():
    """The regions with their municipalities and postcode areas."""
    from webapp.contacts.phones import format_postcode_list
    from webapp.organisations.models import Region

    for region in db.session.scalars(select(Region).order_by(Region.name)):
        click.echo(region.name)
        for m in region.municipalities:
            click.echo(f"  {m.name}: {format_postcode_list([a.postcode for a in m.postcodes])}")


organisation_cli = AppGroup("organisation", help="Organisations and their teams.")


@organisation_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrganisationKind]), required=True)
@click.option("--region", "region_name", required=True, help="Exact name of its region.")
@click.option("--parent", "parent_name", default=None, help="The organisation a team is part of.")
@click.option("--address", default=None, help="Visiting address (used for aangifte op domicilie).")
def organisation_create_command(name, kind, region_name, parent_name, address):
    """Create an organisation, or a team within one."""
    from webapp.organisations.models import Organisation

    region = _region(region_name)
    if db.session.scalar(select(Organisation).where(Organisation.name == name)):
        raise click.ClickException(f"organisation {name!r} exists already")
    parent = None
    if parent_name:
        parent = db.session.scalar(select(Organisation).where(Organisation.name == parent_name))
        if parent is None:
            raise click.ClickException(f"no organisation named {parent_name!r}")
    db.session.add(Organisation(name=name, kind=OrganisationKind(kind), region=region, parent=parent, address=address))
    db.session.commit()
    click.echo(f"created {name} ({OrganisationKind(kind).label}, {region.name}"
               + (f", part of {parent.name}" if parent else "") + ")")


@organisation_cli.command("list")
def organisation_list_command():
    """The organisations, teams indented under their organisation."""
    from webapp.organisations.models import Organisation

    def show(org, depth):
        click.echo("  " * depth + f"{org.name} ({org.kind.label}, {org.region.name})")
        for child in org.children:
            show(child, depth + 1)

    for org in db.session.scalars(select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.name)):
        show(org, 0)


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


flows_cli = AppGroup("flows", help="Check, version and draw the flow files.")


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


@flows_cli.command("graph")
@click.option("--out", "out_dir", default="flow-graphs", show_default=True, type=click.Path(file_okay=False),
              help="Directory for one .dot and one .svg per flow.")
def flows_graph_command(out_dir):
    """Draw every flow as a Graphviz picture (DOT rendered to SVG), for checking the content."""
    from pathlib import Path

    from webapp.flows.graph import GraphError, write_graphs
    from webapp.flows.loader import FlowError, load_library

    try:
        library = load_library()
        written = write_graphs(library.flows.values(), Path(out_dir))
    except (FlowError, GraphError) as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} flows drawn in {out_dir}")


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
    app.cli.add_command(region_cli)
    app.cli.add_command(organisation_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(flows_cli)
    app.cli.add_command(retention_cli)

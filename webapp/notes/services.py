"""Field notes: applied from the sync protocol (the phone's outbox, or the plain form through the
same path), listed for the team, written to the change log for the other phones of the team."""
from __future__ import annotations

from sqlalchemy import func, select

from sync.protocol import Mutation, Rejected
from webapp.api.changes import write_change
from webapp.audit.models import AuditAction
from webapp.audit.services import record
from webapp.auth.models import Role
from webapp.clients.models import Client
from webapp.clients.services import get_client
from webapp.db import db
from webapp.notes.models import Note

NOT_IN_CASELOAD = ("Deze cliënt staat niet (meer) in de caseload van jouw team. De notitie blijft op je telefoon; "
                   "overleg met je team wat ermee moet.")


def writable_client(user, public_id: str) -> Client:
    """The client of a note or visit, if this user may write for them; else the item is refused."""
    client = get_client(public_id)
    if client is None or user.role != Role.HULPVERLENER or client.team_id != user.organisation_id:
        raise Rejected(NOT_IN_CASELOAD)
    return client


def note_data(note: Note, client: Client) -> dict:
    return {"id": note.id, "client_id": client.public_id, "visit_id": note.visit_id, "kind": note.kind,
            "text": note.text, "supersedes": note.supersedes_id, "written_at": note.written_at.isoformat(),
            "received_at": note.received_at.isoformat(), "author": note.author.display_name}


def apply_note_create(mutation: Mutation, context) -> None:
    data = mutation.data
    client = writable_client(context.user, data["client_id"])
    if data.get("visit_id"):
        from webapp.visits.models import Visit

        visit = db.session.get(Visit, data["visit_id"])
        if visit is None or visit.client_id != client.id:
            raise Rejected("Het huisbezoek bij deze notitie is niet gevonden bij deze cliënt.",
                           {"visit_id": ["Onbekend huisbezoek."]})
    if data.get("supersedes"):
        old = db.session.get(Note, data["supersedes"])
        if old is None or old.client_id != client.id:
            raise Rejected("De notitie die je verbetert is niet gevonden bij deze cliënt.",
                           {"supersedes": ["Onbekende notitie."]})
    note = Note(id=mutation.id, client_id=client.id, visit_id=data.get("visit_id"), kind=data["kind"],
                text=data["text"], supersedes_id=data.get("supersedes"), written_at=data["written_at"],
                author_id=context.user.id)
    db.session.add(note)
    db.session.flush()
    note.author = context.user
    write_change(client.team_id, client.id, "note", note.id, "upsert", note_data(note, client))
    record(AuditAction.CREATE, obj=note, client=client,
           details={"kind": note.kind, "supersedes": note.supersedes_id, "device": mutation.device_id})


# The client page, and the phone's copy, show the newest notes; the page has the rest behind a link.
NOTES_SHOWN = 30


def notes_for_client(client: Client, limit: int | None = None) -> list[Note]:
    """The client's notes, newest first (the newest `limit` of them when given)."""
    query = (select(Note).where(Note.client_id == client.id)
             .order_by(Note.written_at.desc(), Note.received_at.desc(), Note.id.desc()))
    return db.session.scalars(query.limit(limit) if limit else query).all()


def count_notes(client: Client) -> int:
    return db.session.scalar(select(func.count()).select_from(Note).where(Note.client_id == client.id))


def recent_team_notes(user, limit: int = 50) -> list[Note]:
    query = select(Note).join(Client, Client.id == Note.client_id)
    if user.role == Role.HULPVERLENER:
        query = query.where(Client.team_id == user.organisation_id)
    else:
        query = query.where(Client.organisation_id == user.organisation.root.id)
    return db.session.scalars(query.order_by(Note.written_at.desc()).limit(limit)).all()


def client_moved(client: Client, old_team_id: int) -> None:
    """After a caseload change: the old team's phones drop the client, the new team's get its history."""
    from webapp.visits.models import Visit
    from webapp.visits.services import visit_data

    write_change(old_team_id, client.id, "client", client.public_id, "delete", None)
    for note in notes_for_client(client):
        write_change(client.team_id, client.id, "note", note.id, "upsert", note_data(note, client))
    for visit in db.session.scalars(select(Visit).where(Visit.client_id == client.id)):
        write_change(client.team_id, client.id, "visit", visit.id, "upsert", visit_data(visit, client))

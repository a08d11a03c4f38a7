"""Every model, imported in one place so that SQLAlchemy and Alembic see the whole schema."""
from webapp.audit.models import AuditEvent  # noqa: F401
from webapp.auth.models import LoginFailure, RecoveryCode, User, UserSession  # noqa: F401
from webapp.clients.models import Aop, Client, CrisiskaartSection, CrisiskaartVersion  # noqa: F401
from webapp.organisations.models import Municipality, Organisation, PostcodeArea, Region  # noqa: F401
from webapp.contacts.models import Contact, ContactPostcode  # noqa: F401
from webapp.flows.models import LocalAgreement  # noqa: F401
from webapp.notes.models import Note  # noqa: F401
from webapp.visits.models import Notification, Visit  # noqa: F401
from webapp.incidents.models import Incident, IncidentAction, MissingReport  # noqa: F401
from webapp.api.models import SYNC_TABLES, SyncChange  # noqa: F401
from webapp.devices.models import Device  # noqa: F401

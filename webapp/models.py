"""Every model, imported in one place so that SQLAlchemy and Alembic see the whole schema."""
from webapp.audit.models import AuditEvent  # noqa: F401
from webapp.auth.models import LoginFailure, RecoveryCode, User, UserSession  # noqa: F401
from webapp.clients.models import Aop, Client, CrisiskaartSection, CrisiskaartVersion  # noqa: F401
from webapp.organisations.models import Municipality, Organisation, PostcodeArea, Region  # noqa: F401
from webapp.contacts.models import Contact, ContactPostcode  # noqa: F401
from webapp.flows.models import LocalAgreement  # noqa: F401

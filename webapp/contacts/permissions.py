from webapp.auth.models import Role


def can_read_contact(user, contact) -> bool:
    return contact.region_id == user.organisation.region_id


def can_manage_contacts(user) -> bool:
    """Create, edit, verify, delete, import and export: coordinators, in their own region."""
    return user.role == Role.COORDINATOR


def can_edit_contact(user, contact) -> bool:
    return can_manage_contacts(user) and can_read_contact(user, contact)

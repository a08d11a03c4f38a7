"""Who may see and do what with an incident (DESIGN.md §3), per object. A refusal answers 404.

- care: a hulpverlener the incidents of the own team's clients; a coordinator of a care
  organisation those of the organisation's clients (and counts for the region, without persons);
- police: only the incidents they were invited to as the police contact, and then only the
  police part and the evaluation: never the care description, injuries, notes or actions.
"""
from __future__ import annotations

from webapp.auth.models import Role


def can_list_incidents(user) -> bool:
    return (user.role in (Role.HULPVERLENER, Role.COORDINATOR) and user.is_care) or user.role == Role.WIJKAGENT


def can_create_incident(user, client) -> bool:
    return user.role == Role.HULPVERLENER and client.team_id == user.organisation_id


def can_read_incident(user, incident) -> bool:
    """The whole incident, the care part included."""
    client = incident.client
    if user.role == Role.HULPVERLENER:
        return client.team_id == user.organisation_id
    if user.role == Role.COORDINATOR:
        return user.is_care and client.organisation_id == user.organisation.root.id
    return False


def can_read_police_part(user, incident) -> bool:
    return user.role == Role.WIJKAGENT and incident.police_user_id is not None and incident.police_user_id == user.id


def can_fill_police_part(user, incident) -> bool:
    return can_read_police_part(user, incident) and incident.needs_police_part


def can_manage_incident(user, incident) -> bool:
    """Aangifte, inviting the police, the GGZ part, assigning actions: care with access to the incident."""
    return can_read_incident(user, incident)


def can_complete_action(user, action) -> bool:
    return can_read_incident(user, action.incident) or (user.role != Role.WIJKAGENT and action.owner_id == user.id)


def can_report_missing(user, client) -> bool:
    from webapp.clients.permissions import can_read_client

    return can_read_client(user, client)


def can_read_missing_report(user, report) -> bool:
    from webapp.clients.permissions import can_read_client

    if user.role == Role.WIJKAGENT:
        return report.police_user_id == user.id
    return can_read_client(user, report.client)

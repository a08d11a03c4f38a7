"""Dutch words for the audit log's codes, for the coordinator's views."""

ACTIONS = {
    "create": "aangemaakt", "read": "ingezien", "update": "gewijzigd", "delete": "verwijderd",
    "search": "gezocht", "export": "geëxporteerd", "login": "ingelogd", "logout": "uitgelogd",
    "login_failed": "inloggen mislukt", "access_denied": "toegang geweigerd",
}
OUTCOMES = {"success": "gelukt", "failure": "mislukt", "denied": "geweigerd"}
OBJECTS = {
    "clients": "cliëntgegevens", "crisiskaart_versions": "crisiskaart", "aops": "afspraak op persoon",
    "aop_lookup": "AOP-zoekvraag politie", "police_view": "politie-inzage", "police_briefing": "politie-briefing",
    "caseload_copy": "kopie voor offline gebruik", "users": "gebruiker", "contacts": "contactenboek",
    "local_agreements": "regionale afspraak", "audit_events": "logboek",
}

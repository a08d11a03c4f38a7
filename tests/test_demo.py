"""The demo data promised by DESIGN.md §7."""
from __future__ import annotations

import datetime as dt

from webapp.auth.models import Role


def test_demo_users_have_their_roles_in_the_demo_region(demo):
    roles = {name: demo.user(name).role for name in ("demo-hulpverlener", "demo-wijkagent", "demo-coordinator")}
    assert roles == {"demo-hulpverlener": Role.HULPVERLENER, "demo-wijkagent": Role.WIJKAGENT,
                     "demo-coordinator": Role.COORDINATOR}
    regions = {demo.user(name).region.name for name in roles}
    assert len(regions) == 1


def test_demo_clients(demo):
    sam, noor = demo.clients["Sam de Vries"], demo.clients["Noor Jansen"]
    assert sam.date_of_birth == dt.date(1985, 3, 12) and sam.postcode_area == "3511"
    assert noor.date_of_birth == dt.date(1979, 7, 4) and noor.postcode_area == "3512"
    assert sam.team_id == demo.user("demo-hulpverlener").organisation_id
    assert noor.team_id != demo.user("demo-hulpverlener").organisation_id


def test_demo_region_covers_3511_and_3512(demo):
    region = demo.user("demo-wijkagent").region
    postcodes = {p.postcode for m in region.municipalities for p in m.postcodes}
    assert {"3511", "3512"} <= postcodes
    assert len(region.municipalities) >= 3

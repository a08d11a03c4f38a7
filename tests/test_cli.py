"""The `flask user create` and `flask demo-data` commands."""
from __future__ import annotations

from sqlalchemy import select

from webapp.auth.models import Role, User


def test_user_create(app, demo, login):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "j.devries", "--name", "Jan de Vries", "--role", "wijkagent",
                                 "--organisation", "Basisteam Domstad-Centrum", "--password", "een-lang-wachtwoord"])
    assert result.exit_code == 0, result.output
    demo.db.session.expire_all()
    user = demo.db.session.scalar(select(User).where(User.username == "j.devries"))
    assert user.role == Role.WIJKAGENT and user.organisation.name == "Basisteam Domstad-Centrum"
    assert user.password_hash.startswith("$argon2id$")
    assert login("j.devries", "een-lang-wachtwoord").status_code == 302


def test_user_create_refuses_bad_input(app, demo):
    runner = app.test_cli_runner()
    base = ["user", "create", "x.y", "--name", "X", "--role", "hulpverlener"]
    unknown = runner.invoke(args=base + ["--organisation", "Bestaat niet", "--password", "een-lang-wachtwoord"])
    assert unknown.exit_code != 0 and "no organisation" in unknown.output
    short = runner.invoke(args=base + ["--organisation", "GGZ Veldhaven", "--password", "kort"])
    assert short.exit_code != 0 and "12 characters" in short.output
    dup = runner.invoke(args=["user", "create", "demo-wijkagent", "--name", "X", "--role", "wijkagent",
                              "--organisation", "GGZ Veldhaven", "--password", "een-lang-wachtwoord"])
    assert dup.exit_code != 0 and "exists already" in dup.output


def test_demo_data_loads_once_and_prints_the_logins(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0 and "demo data loaded" in first.output
    for username in ("demo-hulpverlener", "demo-wijkagent", "demo-coordinator"):
        assert username in first.output
    second = runner.invoke(args=["demo-data"])
    assert "not loaded again" in second.output and "demo-wijkagent" in second.output
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 4


def test_user_reset_2fa_clears_the_second_factor_and_ends_the_sessions(app, demo, login_as, enrol_two_factor):
    from webapp.auth.models import RecoveryCode, UserSession

    user = demo.user("demo-wijkagent")
    enrol_two_factor(user)
    demo.db.session.add(UserSession(user_id=user.id, token_hash="x" * 64))
    demo.db.session.commit()
    result = app.test_cli_runner().invoke(args=["user", "reset-2fa", "Demo-Wijkagent"])
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    demo.db.session.expire_all()
    assert not demo.db.session.get(User, user.id).has_two_factor
    assert demo.db.session.scalars(select(RecoveryCode)).all() == []
    assert demo.db.session.scalar(select(UserSession)).ended_at is not None
    assert "no user named" in app.test_cli_runner().invoke(args=["user", "reset-2fa", "niemand"]).output


def test_region_municipality_and_organisation_commands_set_up_a_new_area(app, db, login):
    from webapp.organisations.models import Organisation, OrganisationKind, PostcodeArea, Region

    runner = app.test_cli_runner()

    def ok(*args):
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    ok("region", "create", "Zuiderkust")
    assert "Zuiderkust (Zuiderkust): 4381-4384, 4388" in ok("region", "add-municipality", "Zuiderkust", "Zuiderkust",
                                                "--postcodes", "4381-4384, 4388")
    ok("region", "add-municipality", "Zuiderkust", "Zuiderkust", "--postcodes", "4389")  # more areas later
    ok("organisation", "create", "GGZ Zuiderkust", "--kind", "ggz_instelling", "--region", "Zuiderkust",
       "--address", "Havenweg 1, 4381 AA Zuiderkust")
    assert "part of GGZ Zuiderkust" in ok("organisation", "create", "FACT Zuid", "--kind", "ggz_team",
                                          "--region", "Zuiderkust", "--parent", "GGZ Zuiderkust")
    ok("user", "create", "a.bakker", "--name", "Anne Bakker", "--role", "hulpverlener", "--organisation", "FACT Zuid",
       "--password", "een-lang-wachtwoord")
    assert "  FACT Zuid (GGZ-team, Zuiderkust)" in ok("organisation", "list")
    assert "Zuiderkust: 4381-4384, 4388-4389" not in ok("region", "list")  # 4388-4389 is two, not a range
    assert "  Zuiderkust: 4381-4384, 4388, 4389" in ok("region", "list")

    db.session.expire_all()
    team = db.session.scalar(select(Organisation).where(Organisation.name == "FACT Zuid"))
    assert team.kind == OrganisationKind.GGZ_TEAM and team.root.address == "Havenweg 1, 4381 AA Zuiderkust"
    assert team.region.name == "Zuiderkust"
    assert sorted(db.session.scalars(select(PostcodeArea.postcode))) == ["4381", "4382", "4383", "4384", "4388", "4389"]
    assert db.session.scalar(select(db.func.count()).select_from(Region)) == 1
    assert login("a.bakker", "een-lang-wachtwoord").status_code == 302


def test_region_and_organisation_commands_refuse_bad_input(app, demo):
    runner = app.test_cli_runner()

    def refused(*args):
        result = runner.invoke(args=list(args))
        assert result.exit_code != 0, result.output
        return result.output

    region = demo.db.session.scalar(select(User)).organisation.region.name
    assert "exists already" in refused("region", "create", region)
    assert "no region named" in refused("region", "add-municipality", "Nergens", "X", "--postcodes", "1234")
    assert "geen postcode" in refused("region", "add-municipality", region, "X", "--postcodes", "35A1")
    assert "geen bruikbare reeks" in refused("region", "add-municipality", region, "X", "--postcodes", "0999-1001")
    assert "another municipality already: 3511" in refused("region", "add-municipality", region, "Nieuwegemeente",
                                                           "--postcodes", "3511, 9999")
    assert "exists already" in refused("organisation", "create", "GGZ Veldhaven", "--kind", "ggz_instelling",
                                       "--region", region)
    assert "no organisation named" in refused("organisation", "create", "Team X", "--kind", "ggz_team",
                                              "--region", region, "--parent", "Bestaat niet")
    assert "Invalid value" in refused("organisation", "create", "Team X", "--kind", "ziekenhuis", "--region", region)

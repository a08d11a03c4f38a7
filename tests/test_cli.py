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

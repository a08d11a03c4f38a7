"""Search in a directory of 10,000 contacts, next to an empty search on the same server, in one run.

    .venv/bin/python bench/contacts_search.py [--contacts 10000] [--runs 200]

Prints the median and p95 of a search (through the app's HTTP layer, test client) and the
ratio to the same request with no search term that returns nothing (?q=zzzz-nothing).
"""
from __future__ import annotations

import argparse
import random

from _common import make_app, summary, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    app = make_app()
    with app.app_context():
        from webapp.contacts.functions import ContactFunction, Level
        from webapp.contacts.services import set_fields
        from webapp.contacts.models import Contact
        from webapp.db import db
        from webapp.demo import load_demo_data

        load_demo_data()
        from webapp.organisations.models import Region

        region = db.session.scalar(db.select(Region))
        rng = random.Random(7)
        first = ["Anna", "Bram", "Chantal", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Jeroen", "Karim", "Lieke"]
        last = ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"]
        functions = list(ContactFunction)
        for i in range(args.contacts):
            contact = Contact(region_id=region.id)
            set_fields(contact, {"is_person": True, "name": f"{rng.choice(first)} {rng.choice(last)} {i}",
                                 "organisation": f"Organisatie {i % 97}", "function": rng.choice(functions),
                                 "level": rng.choice(list(Level)), "phone": f"+316{20000000 + i}", "hours": None,
                                 "postcodes": [str(3511 + i % 20)]})
            db.session.add(contact)
        db.session.commit()

    client = app.test_client()
    client.post("/login", data={"username": "demo-wijkagent", "password": "bench-wachtwoord"})
    queries = ["cri", "jansen", "wijkagent domstad", "3512", "eva de vries"]

    def search():
        assert client.get("/contacten/", query_string={"q": rng.choice(queries)}).status_code == 200

    def empty():
        assert client.get("/contacten/", query_string={"q": "zzzz-niets"}).status_code == 200

    rng = random.Random(1)
    for _ in range(10):  # warm up
        search(), empty()
    searches, empties = timed(search, args.runs), timed(empty, args.runs)
    (s_med, s_p95), (e_med, e_p95) = summary(searches), summary(empties)
    print(f"directory: {args.contacts} contacts; {args.runs} requests each (SQLite unless WEBAPP_BENCH_DATABASE_URL)")
    print(f"search        median {s_med * 1000:7.2f} ms   p95 {s_p95 * 1000:7.2f} ms")
    print(f"empty search  median {e_med * 1000:7.2f} ms   p95 {e_p95 * 1000:7.2f} ms")
    print(f"ratio search/empty: median {s_med / e_med:.2f}x   p95 {s_p95 / e_p95:.2f}x")


if __name__ == "__main__":
    main()

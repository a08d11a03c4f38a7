"""Pull: cursors, the page size, pages of the change log, and tombstones."""
from __future__ import annotations

import base64

import pytest

from sync import (MAX_PULL, Change, ClientTooOld, CursorInvalid, EnvelopeInvalid, PullRequest, decode_cursor,
                  encode_cursor, page, parse_limit, parse_pull, pull)
from sync.memory import MemoryStore


@pytest.mark.parametrize("seq", [0, 1, 41, 2**53, 10**18 - 1])
def test_a_cursor_round_trips(seq):
    cursor = encode_cursor(seq)
    assert decode_cursor(cursor) == seq
    assert cursor.isascii() and "=" not in cursor and "/" not in cursor and "+" not in cursor


def test_no_cursor_is_the_beginning():
    assert decode_cursor(None) == 0
    assert decode_cursor("") == 0


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("cursor", [
    "42", "not base64!", "djE6", b64("v2:5"), b64("v1:-1"), b64("v1:007"), b64("v1:1.5"), b64("v1:"),
    b64("v1:5 "), b64("v1:" + "9" * 19), "a" * 65, "é", b64("v1:١٢"), 42, ["djE6MA"],
])
def test_an_invalid_cursor_is_400(cursor):
    with pytest.raises(CursorInvalid) as caught:
        decode_cursor(cursor)
    assert caught.value.http_status == 400
    assert caught.value.code == "cursor_invalid"


@pytest.mark.parametrize("bad", [-1, True, 1.0, "1"])
def test_only_a_seq_of_zero_or_more_makes_a_cursor(bad):
    with pytest.raises(ValueError):
        encode_cursor(bad)


@pytest.mark.parametrize("given, limit", [(None, 200), ("", 200), (1, 1), ("50", 50), (500, 500), (501, 500),
                                          ("100000", 500)])
def test_limit_defaults_to_200_and_is_capped_at_500(given, limit):
    assert parse_limit(given) == limit


@pytest.mark.parametrize("bad", [0, -1, "0", "-5", "tien", "1.5", 2.0, True, [10]])
def test_a_limit_that_is_no_positive_integer_is_400_on_the_limit_field(bad):
    with pytest.raises(EnvelopeInvalid) as caught:
        parse_limit(bad)
    assert list(caught.value.errors) == ["limit"]


def test_pull_parameters_check_the_schema_version_when_given():
    assert parse_pull(encode_cursor(7), "10") == PullRequest(after=7, limit=10)
    assert parse_pull(None, None, "1") == PullRequest(after=0, limit=200)
    with pytest.raises(ClientTooOld):
        parse_pull(None, None, schema_version="0")


def changes(*seqs: int) -> list[Change]:
    return [Change(seq, "note", f"n{seq}", "upsert", {"text": f"notitie {seq}"}) for seq in seqs]


def test_a_page_with_limit_plus_one_rows_has_more_and_a_cursor_at_its_last_change():
    response = page(changes(4, 6, 9), PullRequest(after=3, limit=2))
    assert [c["seq"] for c in response["changes"]] == [4, 6]
    assert response["more"] is True
    assert decode_cursor(response["cursor"]) == 6
    assert response["schema_version"] == 1


def test_the_last_page_has_no_more():
    response = page(changes(4, 6), PullRequest(after=3, limit=2))
    assert response["more"] is False and decode_cursor(response["cursor"]) == 6


def test_an_empty_page_keeps_the_cursor():
    response = page([], PullRequest(after=12, limit=200))
    assert response == {"schema_version": 1, "changes": [], "cursor": encode_cursor(12), "more": False}


@pytest.mark.parametrize("seqs", [(3, 5), (5, 4), (6, 6)])
def test_rows_out_of_order_or_not_after_the_cursor_are_a_programming_error(seqs):
    with pytest.raises(ValueError):
        page(changes(*seqs), PullRequest(after=3, limit=10))


def test_a_change_is_an_upsert_with_data_or_a_tombstone_without():
    assert Change(1, "client", "c1", "delete").to_dict() == {"seq": 1, "type": "client", "id": "c1", "op": "delete",
                                                             "data": None}
    with pytest.raises(ValueError):
        Change(1, "client", "c1", "upsert")
    with pytest.raises(ValueError):
        Change(1, "client", "c1", "delete", {"name": "Sam"})
    with pytest.raises(ValueError):
        Change(1, "client", "c1", "patch", {})


def test_paging_through_the_log_returns_every_change_once_in_order():
    store = MemoryStore()
    for i in range(1, 24):
        store.append_change("note", f"n{i}", "upsert", {"i": i})
    seen, cursor, more = [], None, True
    while more:
        response = pull(store.changes_after, cursor=cursor, limit="5")
        seen += [c["seq"] for c in response["changes"]]
        cursor, more = response["cursor"], response["more"]
    assert seen == list(range(1, 24))
    assert pull(store.changes_after, cursor=cursor)["changes"] == []


def test_a_client_leaving_the_caseload_reaches_only_that_user_as_tombstones():
    store = MemoryStore()
    store.append_change("client", "sam", "upsert", {"name": "Sam de Vries"}, audience="user:1")
    store.append_change("note", "n1", "upsert", {"text": "Rustig."}, audience="user:1")
    store.append_change("note", "n2", "upsert", {"text": "Andere cliënt."}, audience="user:2")
    first = pull(lambda after, n: store.changes_after(after, n, audiences={"user:1"}))
    assert [c["id"] for c in first["changes"]] == ["sam", "n1"]
    # Sam leaves user 1's caseload: the web app writes tombstones for the client and its notes.
    store.append_change("client", "sam", "delete", audience="user:1")
    store.append_change("note", "n1", "delete", audience="user:1")
    later = pull(lambda after, n: store.changes_after(after, n, audiences={"user:1"}), cursor=first["cursor"])
    assert [(c["type"], c["id"], c["op"], c["data"]) for c in later["changes"]] == [
        ("client", "sam", "delete", None), ("note", "n1", "delete", None)]
    other = pull(lambda after, n: store.changes_after(after, n, audiences={"user:2"}))
    assert [c["id"] for c in other["changes"]] == ["n2"]


def test_pull_asks_for_one_row_more_than_the_limit():
    asked = []

    def fetch(after, n):
        asked.append((after, n))
        return []

    pull(fetch, cursor=encode_cursor(9), limit=MAX_PULL + 100)
    assert asked == [(9, MAX_PULL + 1)]

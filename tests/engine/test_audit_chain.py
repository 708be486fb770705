from sochub.engine.audit_chain import GENESIS, chain_hash, verify_chain


def _chain(payloads: list[dict[str, object]]) -> list[tuple[int, str, str, dict[str, object]]]:
    rows, prev = [], GENESIS
    for i, p in enumerate(payloads, start=1):
        h = chain_hash(prev, p)
        rows.append((i, prev, h, p))
        prev = h
    return rows


def test_intact_chain_verifies() -> None:
    check = verify_chain(_chain([{"n": i} for i in range(10)]))
    assert check.ok and check.rows == 10


def test_altered_row_is_found() -> None:
    rows = _chain([{"n": i} for i in range(5)])
    seq, prev, h, _ = rows[2]
    rows[2] = (seq, prev, h, {"n": 99})
    check = verify_chain(rows)
    assert not check.ok and check.first_bad_seq == 3 and "altered" in check.reason


def test_removed_row_is_found() -> None:
    rows = _chain([{"n": i} for i in range(5)])
    del rows[1]
    check = verify_chain(rows)
    assert not check.ok and check.first_bad_seq == 3 and "follow" in check.reason


def test_hash_does_not_depend_on_key_order() -> None:
    assert chain_hash(GENESIS, {"a": 1, "b": 2}) == chain_hash(GENESIS, {"b": 2, "a": 1})

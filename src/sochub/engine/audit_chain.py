"""Hash chain for the audit log: each row's hash covers its content and the previous row's hash.

Pure functions, so that ``sochub audit verify`` and an auditor's notebook check the chain the
same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Mapping[str, Any]) -> bytes:
    """Stable JSON: sorted keys, no spaces, UTF-8; values must already be JSON types."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(payload)).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(rows: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> ChainCheck:
    """Check rows of (seq, prev_hash, hash, payload) in seq order.

    A row fails when its stored prev_hash is not the hash of the row before (a row was
    removed or inserted) or when its hash does not match its content (a row was altered).
    """
    expected_prev = GENESIS
    count = 0
    for seq, prev_hash, row_hash, payload in rows:
        count += 1
        if prev_hash != expected_prev:
            return ChainCheck(False, count, seq, f"row {seq} does not follow the row before it")
        if chain_hash(prev_hash, payload) != row_hash:
            return ChainCheck(False, count, seq, f"row {seq} has been altered since it was written")
        expected_prev = row_hash
    return ChainCheck(True, count)

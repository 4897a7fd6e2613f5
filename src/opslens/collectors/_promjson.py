"""Query responses written as the prometheus reader takes them (a map of names to
`{"query", "response"}`), one series per line so evidence cites the series it quotes."""

from __future__ import annotations

import json
from typing import Any


def named_responses(responses: dict[str, tuple[str, dict[str, Any]]]) -> bytes:
    """name -> (query, parsed query_range response) as one JSON document."""
    parts = []
    for name, (query, response) in responses.items():
        data = response.get("data") or {}
        series = ",\n".join(json.dumps(s, separators=(",", ":")) for s in data.get("result") or [])
        head = json.dumps(name) + ': {"query": ' + json.dumps(query)
        inner = '{"status": "success", "data": {"resultType": ' + json.dumps(data.get("resultType")) + ', "result": [\n'
        parts.append(head + ', "response": ' + inner + series + "\n]}}}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode()

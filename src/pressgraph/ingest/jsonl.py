"""JSON Lines: one JSON object per line, one article per object."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pressgraph.ingest import InputError
from pressgraph.ingest._common import ReadProblem, decode_bytes, describe, looks_binary
from pressgraph.ingest._rows import article_from_row
from pressgraph.model import Article

_SNIFF_BYTES = 8192


def read_jsonl(path: str) -> Iterator[Article | InputError]:
    try:
        # streamed line by line: JSONL exports run to gigabytes
        handle = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        yield InputError(path, describe(exc))
        return
    with handle:
        try:
            head = handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
        except OSError as exc:
            yield InputError(path, describe(exc))
            return
        if looks_binary(head):
            yield InputError(path, "binary file, not text")
            return
        seen_any = False
        for number, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            seen_any = True
            where = f"{path}:{number}"
            try:
                line = decode_bytes(raw_line)
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReadProblem(f"not valid JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise ReadProblem(f"a JSON {type(row).__name__}, not an object")
                article = article_from_row(row, path=path, input_format="jsonl")
            except ReadProblem as problem:
                yield InputError(where, str(problem))
                continue
            yield article
        if not seen_any:
            yield InputError(path, "empty file")

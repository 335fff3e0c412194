"""JSON Lines: one JSON object per line, one article per object."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pressgraph.ingest import InputError
from pressgraph.ingest._common import (
    ReadProblem,
    decode_bytes,
    describe,
    looks_binary,
    open_input,
)
from pressgraph.ingest._rows import article_from_row, json_type
from pressgraph.ingest.limits import MAX_JSONL_LINE_BYTES, MIB
from pressgraph.model import Article

_SNIFF_BYTES = 8192


def _row(raw_line: bytes) -> dict[str, object]:
    if b"\x00" in raw_line:
        # JSON has no raw NUL; decode_bytes would call the line binary, this says where
        raise ReadProblem("not valid JSON (a NUL byte in the line)")
    line = decode_bytes(raw_line)
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadProblem(f"not valid JSON ({exc.msg})") from exc
    except RecursionError:
        raise ReadProblem("not valid JSON here (nested too deeply)") from None
    if not isinstance(row, dict):
        raise ReadProblem(f"a JSON {json_type(row)}, not an object")
    return row


def read_jsonl(path: str) -> Iterator[Article | InputError]:
    try:
        # streamed line by line: JSONL exports run to gigabytes
        handle = open_input(path, max_bytes=None)
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    with handle:
        try:
            head = handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
        except OSError as exc:
            yield InputError(path, describe(exc))
            return
        # a NUL in one line is that line's problem; a file that does not open like JSON is binary
        if looks_binary(head) and not head.lstrip().startswith(b"{"):
            yield InputError(path, "binary file, not text")
            return
        seen_any = False
        number = 0
        while raw_line := handle.readline(MAX_JSONL_LINE_BYTES + 1):
            number += 1
            where = f"{path}:{number}"
            if len(raw_line) > MAX_JSONL_LINE_BYTES and not raw_line.endswith(b"\n"):
                while (rest := handle.readline(MIB)) and not rest.endswith(b"\n"):
                    pass  # skip to the next line without holding the oversized one
                yield InputError(
                    where, f"line over the {MAX_JSONL_LINE_BYTES // MIB} MB limit for one line"
                )
                continue
            if not raw_line.strip():
                continue
            seen_any = True
            try:
                article = article_from_row(_row(raw_line), path=path, input_format="jsonl")
            except ReadProblem as problem:
                yield InputError(where, str(problem))
                continue
            yield article
        if not seen_any:
            yield InputError(path, "empty file")

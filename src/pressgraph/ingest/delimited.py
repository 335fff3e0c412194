"""CSV and TSV files: a header row, then one article per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pressgraph.ingest import InputError
from pressgraph.ingest._common import ReadProblem, decode_bytes, one_line, read_bytes
from pressgraph.ingest._rows import TEXT_KEYS, article_from_row
from pressgraph.model import Article

# the csv module's default cap (128 KiB a field) is below the size of a long feature story
_FIELD_LIMIT = 64 * 1024 * 1024
_DELIMITERS = ",;\t|"


def _dialect(header: str, path: str) -> type[csv.Dialect]:
    if path.lower().endswith(".tsv"):
        return csv.excel_tab
    try:
        # European spreadsheet exports use ';'
        return csv.Sniffer().sniff(header, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def read_csv(path: str) -> Iterator[Article | InputError]:
    try:
        text = decode_bytes(read_bytes(path))
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    header = text.lstrip("\n").split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(header, path))
    try:
        columns = [name.strip().lower() for name in reader.fieldnames or ()]
    except csv.Error as exc:
        yield InputError(path, f"not valid CSV ({one_line(exc)})")
        return
    if not any(key in columns for key in TEXT_KEYS):
        shown = ", ".join(columns[:8]) or "none"
        yield InputError(
            path, f"no text column (expected one of {', '.join(TEXT_KEYS)}; found {shown})"
        )
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # the csv module cannot resynchronise after a bad quote, so stop at the damage
            yield InputError(f"{path}:{reader.line_num}", f"not valid CSV ({one_line(exc)})")
            return
        # messages name the line the row ends on: the csv module's own count
        where = f"{path}:{reader.line_num}"
        # DictReader collects surplus cells under the key None
        cells = {key: value for key, value in row.items() if key is not None}
        try:
            article = article_from_row(cells, path=path, input_format="csv")
        except ReadProblem as problem:
            yield InputError(where, str(problem))
            continue
        yield article

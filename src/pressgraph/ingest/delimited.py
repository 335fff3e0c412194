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


class _Rfc4180(csv.excel):
    """RFC 4180 as spreadsheets write it: ``""`` escapes a quote, quoted fields span lines."""

    strict = False


def _dialect(text: str, path: str) -> type[csv.Dialect]:
    """Excel's quoting rules with the delimiter the header row uses.

    Only the delimiter is guessed.  ``csv.Sniffer`` also guesses the quoting from the sample,
    and on a header without quotes it turns ``doublequote`` off, which splits every row with
    an escaped quote.  The delimiter is the candidate whose header holds a text column, else
    the one that splits the header into the most columns.
    """
    delimiter = "\t" if path.lower().endswith(".tsv") else None
    if delimiter is None:
        scored = []
        for candidate in _DELIMITERS:
            rows = csv.reader(io.StringIO(text, newline=""), _Rfc4180, delimiter=candidate)
            first = next(rows, [])
            names = {cell.strip().lower() for cell in first}
            scored.append((any(key in names for key in TEXT_KEYS), len(first), candidate))
        delimiter = max(scored, key=lambda item: item[:2])[2]
    return type("InputDialect", (_Rfc4180,), {"delimiter": delimiter})


def read_csv(path: str) -> Iterator[Article | InputError]:
    try:
        text = decode_bytes(read_bytes(path))
    except ReadProblem as problem:
        yield InputError(path, str(problem))
        return
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    text = text.lstrip("\r\n")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text, path))
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
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            if rows == 0:
                yield InputError(path, "no rows after the header")
            return
        except csv.Error as exc:
            # the csv module cannot resynchronise after a bad quote, so stop at the damage
            yield InputError(f"{path}:{reader.line_num}", f"not valid CSV ({one_line(exc)})")
            return
        rows += 1
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

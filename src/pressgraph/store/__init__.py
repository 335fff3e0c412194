"""The embedded SQLite store.

One transaction per article: an article and all its records are written together or not at
all.  Article ids are content hashes, so re-ingesting the same article is a no-op, and a
batch killed half-way and run again ends with the same database as an uninterrupted run.
The schema is versioned: ``migrations/NNNN_*.sql`` run in order, each once, recorded in
``schema_migrations``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import operator
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, get_args, get_origin

from pressgraph.model import (
    RECORD_KINDS,
    Article,
    ClaimRelation,
    Extraction,
    OffsetMap,
    Record,
    warning_extractor,
)

DEFAULT_DB = "pressgraph.db"
RELATIONS_TABLE = "conflicts"


@functools.cache
def _migrations() -> tuple[tuple[int, str, str], ...]:
    """(version, file name, SQL) of every shipped migration, oldest first. Read once per
    process: the server opens a store for every request, and the files never change under it.
    """
    folder = resources.files("pressgraph.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text("utf-8")))
    return tuple(sorted(found))


def _statements(script: str) -> list[str]:
    """Split a migration into statements (a trigger's body keeps its semicolons)."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out


def _to_sql(value: Any) -> Any:
    if isinstance(value, tuple | list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _field_is_sequence(annotation: Any) -> bool:
    text = str(annotation)
    return "tuple" in text or "list" in text or "dict" in text


def _field_is_bool(annotation: Any) -> bool:
    return str(annotation) == "bool" or annotation is bool or (
        get_origin(annotation) is not None and bool in get_args(annotation)
    )


_PLAIN, _SEQUENCE, _BOOL = 0, 1, 2
_ROW_PLANS: dict[tuple[type[Any], tuple[str, ...]], list[tuple[str, int, int]]] = {}


def _row_plan(cls: type[Any], keys: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(field, column position, how to decode) for ``cls`` read from rows with ``keys``:
    worked out once, since checking each field's type for every row was most of the cost of
    reading a stored article back (linking reads each new one)."""
    plan = _ROW_PLANS.get((cls, keys))
    if plan is None:
        plan = []
        for f in dataclasses.fields(cls):
            if f.name in keys:
                how = (_SEQUENCE if _field_is_sequence(f.type)
                       else _BOOL if _field_is_bool(f.type) else _PLAIN)
                plan.append((f.name, keys.index(f.name), how))
        _ROW_PLANS[(cls, keys)] = plan
    return plan


def _from_row(cls: type[Any], row: sqlite3.Row) -> Any:
    values: dict[str, Any] = {}
    for name, position, how in _row_plan(cls, tuple(row.keys())):
        value = row[position]
        if value is not None and how == _SEQUENCE:
            decoded = json.loads(value)
            value = tuple(decoded) if isinstance(decoded, list) else decoded
        elif value is not None and how == _BOOL:
            value = bool(value)
        values[name] = value
    return cls(**values)


class NotAPressgraphDatabase(ValueError):
    pass


class StoreNeedsMigration(ValueError):
    pass


# Written into the SQLite header (``PRAGMA application_id``) so a pressgraph store can be told
# from any other application's SQLite file without reading its tables. ASCII "PGRH".
APPLICATION_ID = 0x50475248


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _create_store_file(path: Path) -> None:
    """Create an empty, stamped store at ``path`` in one step (written aside, then linked into
    place), so a second process opening the same new path at the same moment never finds a
    zero-byte file (refused as a placeholder) but a store it can open and migrate."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        conn = sqlite3.connect(aside)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                     "(version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
        conn.commit()
        conn.close()
        # Another process may have created it first: then theirs is used.
        with contextlib.suppress(FileExistsError):
            os.link(aside, path)
    except OSError:
        return  # a missing folder or no permission: connecting says so in its own words
    finally:
        aside.unlink(missing_ok=True)


class Store:
    """A pressgraph database. Use as a context manager or call ``close()``.

    ``readonly=True`` opens it with SQLite's ``mode=ro``: no migration, no journal-mode change,
    nothing written, so reading never changes the file (every read verb and the server use it).
    The default opens for writing: it creates the file when it is missing and migrates it.
    Either way a file that is not a pressgraph store (another application's SQLite file, an
    empty file, anything else) is refused untouched.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        self._new_file = not Path(self.path).exists()
        if self._new_file and not readonly and self.path != ":memory:":
            _create_store_file(Path(self.path))
        self._check_is_ours_or_new(Path(self.path))
        if readonly:
            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, timeout=60)
        else:
            # Concurrent ingests wait for each other's article transactions instead of failing.
            self.conn = sqlite3.connect(self.path, timeout=60)
        self.conn.row_factory = sqlite3.Row
        try:
            self._check_header()
        except BaseException:
            self.conn.close()
            raise
        self._columns: dict[str, list[str]] = {}
        self._plans: dict[tuple[str, type[Any]], Any] = {}
        if readonly:
            self.conn.execute("PRAGMA query_only = ON")
            applied = self.applied_migrations()
            if any(version not in applied for version, *_ in _migrations()):
                self.conn.close()
                raise StoreNeedsMigration(
                    f"{self.path}: written by an older pressgraph; run `pressgraph ingest` on it "
                    "once (it migrates the store) before reading it")
            return
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.migrate()

    def _check_is_ours_or_new(self, path: Path) -> None:
        if not path.exists():
            if self.readonly:
                raise FileNotFoundError(f"{self.path}: no such database")
            return
        if path.is_dir():
            raise NotAPressgraphDatabase(f"{self.path}: is a directory, not a database")
        # A zero-byte file is somebody's placeholder, not a store: never adopt it.
        if path.stat().st_size == 0 or not _is_sqlite_file(path):
            raise NotAPressgraphDatabase(f"{self.path}: not a pressgraph database")

    def _check_header(self) -> None:
        application_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if self._new_file and not self.readonly:
            return
        if application_id == APPLICATION_ID:
            return
        # Stores written before the application id existed are recognised by their schema.
        if application_id == 0 and "schema_migrations" in tables:
            return
        raise NotAPressgraphDatabase(f"{self.path}: not a pressgraph database")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- schema ---------------------------------------------------------------------------
    def migrate(self) -> int:
        if self.readonly:
            raise PermissionError(f"{self.path}: opened read-only, cannot migrate")
        with self.conn:
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
            )
        applied = self.applied_migrations()
        for version, name, sql in _migrations():
            if version in applied:
                continue
            # Under the write lock, checked again: two processes opening a new or old store
            # at once apply each migration once (the second waits, then finds it applied).
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?",
                                     (version,)).fetchone() is None:
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    stamp = datetime.now(UTC).isoformat(timespec="seconds")
                    self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                                      (version, name, stamp))
            except BaseException:
                self.conn.rollback()
                raise
            self.conn.commit()
        return self.schema_version()

    def applied_migrations(self) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = [
                r[1] for r in self.conn.execute(f'PRAGMA table_info("{table}")')
            ]
        return self._columns[table]

    # -- writing --------------------------------------------------------------------------
    def links_stale(self) -> bool:
        """Stored articles wait to be linked (``pressgraph.store.linking.link_new``)."""
        return self.conn.execute("SELECT 1 FROM link_pending LIMIT 1").fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def write_extraction(self, extraction: Extraction, pipeline: str = "") -> bool:
        """Write one article and its records in one transaction. False if already stored."""
        art = extraction.article
        with self.conn:
            # OR IGNORE + rowcount, not a check first: two writers of one article cannot race.
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO articles (id, path, url, title, published, author, source,"
                " language, input_format, text, raw_text, offset_map, pipeline, ingested_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    art.id, art.path, art.url, art.title, art.published, art.author, art.source,
                    art.language, art.input_format, art.text,
                    art.raw_text if art.raw_text != art.text else None,
                    json.dumps(art.offset_map.segments) if art.offset_map else None,
                    pipeline, datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            if cursor.rowcount == 0:
                return False
            # Cross-article links no longer cover every article until the next link run.
            self.conn.execute(
                "INSERT OR REPLACE INTO store_state (key, value) VALUES ('links_stale', '1')")
            for kind in RECORD_KINDS:
                self.insert_records(kind, getattr(extraction, kind))
            self.insert_records(RELATIONS_TABLE, extraction.conflicts)
            if extraction.warnings:
                self.conn.executemany(
                    "INSERT INTO extraction_warnings (article_id, position, extractor, message)"
                    " VALUES (?,?,?,?)",
                    [(art.id, i, warning_extractor(w), w)
                     for i, w in enumerate(extraction.warnings)])
        return True

    def insert_records(self, table: str, records: Sequence[Record | ClaimRelation]) -> None:
        """Insert dataclass records into ``table`` (call inside a transaction)."""
        if not records:
            return
        sql, getter, converted = self._insert_plan(table, type(records[0]))
        if converted:
            rows = []
            for record in records:
                row = list(getter(record))
                for i in converted:
                    row[i] = _to_sql(row[i])
                rows.append(row)
            self.conn.executemany(sql, rows)
        else:
            self.conn.executemany(sql, map(getter, records))

    def _insert_plan(
        self, table: str, cls: type[Any]
    ) -> tuple[str, Callable[[Any], tuple[Any, ...]], tuple[int, ...]]:
        """The INSERT for ``cls`` records into ``table``, a getter of their column values, and
        the positions whose values may need ``_to_sql`` (only fields that can hold a sequence
        or a bool): converting every value of some 200 records an article cost more than
        SQLite's own work."""
        key = (table, cls)
        plan = self._plans.get(key)
        if plan is None:
            columns = self.columns(table)
            fields = [f for f in dataclasses.fields(cls) if f.name in columns]
            names = [f.name for f in fields]
            quoted = ", ".join(f'"{n}"' for n in names)
            marks = ", ".join("?" for _ in names)
            sql = f'INSERT OR REPLACE INTO "{table}" ({quoted}) VALUES ({marks})'
            attrs = operator.attrgetter(*names)
            getter = attrs if len(names) > 1 else lambda record: (attrs(record),)
            converted = tuple(i for i, f in enumerate(fields)
                              if _field_is_sequence(f.type) or _field_is_bool(f.type)
                              or "Any" in str(f.type))
            plan = self._plans[key] = (sql, getter, converted)
        return plan

    # -- reading --------------------------------------------------------------------------
    def article_ids(self, since: str | None = None) -> list[str]:
        if since:
            rows = self.conn.execute(
                "SELECT id FROM articles WHERE published >= ? ORDER BY published, id", (since,)
            )
        else:
            rows = self.conn.execute("SELECT id FROM articles ORDER BY published, id")
        return [r[0] for r in rows]

    def find_articles(self, prefix: str, limit: int = 2) -> list[str]:
        """Ids starting with ``prefix`` (ids are hex, so anything else matches nothing)."""
        if not prefix or any(c not in "0123456789abcdef" for c in prefix.lower()):
            return []
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? LIMIT ?",
            (len(prefix), prefix.lower(), limit),
        ).fetchall()
        return [r[0] for r in rows]

    def load_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        segments = json.loads(row["offset_map"]) if row["offset_map"] else None
        return Article(
            id=row["id"], text=row["text"], source=row["source"] or "", path=row["path"],
            url=row["url"], title=row["title"], published=row["published"],
            author=row["author"], language=row["language"] or "en",
            raw_text=row["raw_text"] if row["raw_text"] is not None else row["text"],
            offset_map=OffsetMap(segments=tuple(tuple(s) for s in segments))
            if segments else None,
            input_format=row["input_format"] or "text",
        )

    def load_extraction(self, article_id: str) -> Extraction | None:
        article = self.load_article(article_id)
        if article is None:
            return None
        kinds: dict[str, tuple[Any, ...]] = {}
        for kind, cls in RECORD_KINDS.items():
            rows = self.conn.execute(
                f'SELECT * FROM "{kind}" WHERE article_id = ? ORDER BY start, "end"',
                (article_id,),
            )
            kinds[kind] = tuple(_from_row(cls, r) for r in rows)
        rel_rows = self.conn.execute(
            f"SELECT * FROM {RELATIONS_TABLE} WHERE article_a = ? OR article_b = ?",
            (article_id, article_id),
        )
        relations = tuple(_from_row(ClaimRelation, r) for r in rel_rows)
        warnings = tuple(r[0] for r in self.conn.execute(
            "SELECT message FROM extraction_warnings WHERE article_id = ? ORDER BY position",
            (article_id,)))
        return Extraction(article=article, conflicts=relations, warnings=warnings, **kinds)

    def iter_extractions(self, since: str | None = None) -> Iterator[Extraction]:
        for article_id in self.article_ids(since):
            extraction = self.load_extraction(article_id)
            if extraction is not None:
                yield extraction

    def rows(self, table: str, where: str = "", params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        sql = f'SELECT * FROM "{table}"' + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql, tuple(params)).fetchall()

    def search(self, query: str, limit: int = 20) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT a.id, a.title, a.published, a.source,"
            " snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        ).fetchall()

    def counts(self) -> dict[str, int]:
        tables = ["articles", *RECORD_KINDS, RELATIONS_TABLE]
        return {t: self.conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

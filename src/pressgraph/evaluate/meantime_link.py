"""Cross-article linking on public gold: NewsReader MEANTIME (English, 120 Wikinews articles).

Gold (``SHARED/eval/news/meantime``): CAT XML, one token per ``<token t_id sentence>``;
``ENTITY_MENTION`` / ``EVENT_MENTION`` markables anchor to tokens, and ``REFERS_TO`` ties them
to ``ENTITY`` / ``EVENT`` descriptors whose ``instance_id`` is shared across the corpus
(``list_instances.csv`` gives each instance's class).  The ``CREATION_TIME`` TIMEX3 is the
publication date.

Each article's text is rebuilt from its tokens (one line per sentence; our own token -> char
map), run through the whole pipeline verbatim (``raw=True``, so gold offsets apply) with its
creation date as ``published``, and the 120 extractions go through
:func:`pressgraph.link.link_corpus`.  Metrics:

* entities: gold mentions of PER / ORG / LOC instances reported in more than one article.  A
  gold mention maps to the canonical actor of the predicted entity mention that overlaps it
  most (``Entity.actor_id`` -> ``Actor.canonical_id``; see :func:`_best`).  B-cubed, MUC
  and pairwise over cross-document pairs only, on the mapped mentions (``entity_b3_*``,
  ``entity_muc_*``, ``entity_xdoc_pair_*``), the share mapped at all
  (``entity_mention_coverage``; ``entity_name_coverage`` for proper-name mentions only), and
  an exact-string baseline on the same mentions (``entity_string_b3_*``: mentions with the
  same normalised text are one entity), which shows what linking adds;
* events: gold mentions of the event instances reported in more than one article, mapped to
  the predicted event whose trigger overlaps them; B-cubed and MUC over ``Event.cluster_id``,
  coverage, and a same-lemma baseline (the gold ``pred`` lemma) on the same mentions;
* stories: purity of the predicted story clusters against the four topic folders, as a note
  only (the topics are broad: not a gold story clustering).
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pressgraph.evaluate import SHARED, Report, percent_metrics
from pressgraph.evaluate import b_cubed as shared_b_cubed
from pressgraph.model import Article, Extraction, article_id_for

MEANTIME = SHARED / "eval" / "news" / "meantime"
ENTITY_CLASSES = frozenset({"PER", "ORG", "LOC"})
# spaCy labels that can name an instance of each MEANTIME entity class.
_FITS = {"PER": frozenset({"PERSON"}), "ORG": frozenset({"ORG"}),
         "LOC": frozenset({"GPE", "LOC", "FAC", "NORP"})}
_CLASS_ALIASES = {"ORGANISATION": "ORG", "ORGANIZATION": "ORG", "PERSON": "PER",
                  "LOCATION": "LOC", "FINANCIAL": "FIN", "PRODUCT": "PRO"}

# Detokenisation: no space before closing punctuation and clitics, none after openers.
_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "''", "”", "’",
                              "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m", "...", "'"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "#", "US$", "CA$", "``", "“", "‘", "`"})

Span = tuple[int, int]
Key = tuple[str, str]  # (document, mention m_id)


@dataclass(frozen=True, slots=True)
class GoldMention:
    doc: str
    m_id: str
    start: int
    end: int
    text: str
    instance: str
    kind: str  # ENTITY | EVENT
    cls: str  # PER / ORG / LOC / PRO / FIN / ... or OTHER / SPEECH_COGNITIVE / GRAMMATICAL
    syntactic_type: str = ""
    lemma: str = ""


@dataclass(frozen=True, slots=True)
class MeantimeDoc:
    name: str
    topic: str
    text: str
    published: str | None
    tokens: dict[str, Span]  # t_id -> (start, end) in text
    token_text: dict[str, str]
    mentions: tuple[GoldMention, ...]


def rebuild_text(tokens: Sequence[tuple[str, str, str]]) -> tuple[str, dict[str, Span]]:
    """Join ``(t_id, sentence, word)`` tokens into text; returns it and t_id -> char span.

    Sentences go on lines of their own; inside a sentence tokens are joined by a space unless
    punctuation says otherwise.  A straight double quote alternates between opening and
    closing.  ``text[start:end]`` is always the token's own text.
    """
    parts: list[str] = []
    offsets: dict[str, Span] = {}
    pos = 0
    prev_sentence: str | None = None
    prev_word = ""
    quote_open = False
    for t_id, sentence, word in tokens:
        if prev_sentence is None:
            sep = ""
        elif sentence != prev_sentence:
            sep = "\n"
            quote_open = False
        elif (word in _NO_SPACE_BEFORE or prev_word in _NO_SPACE_AFTER
              or (word == '"' and quote_open) or (prev_word == '"' and quote_open)):
            sep = ""
        else:
            sep = " "
        if word == '"':
            quote_open = not quote_open
        parts.append(sep)
        pos += len(sep)
        offsets[t_id] = (pos, pos + len(word))
        parts.append(word)
        pos += len(word)
        prev_sentence, prev_word = sentence, word
    return "".join(parts), offsets


def _date(value: str | None) -> str | None:
    if not value:
        return None
    if re.fullmatch(r"\d\d-\d\d-\d{4}", value):  # one document writes it day-first
        day, month, year = value.split("-")
        return f"{year}-{month}-{day}"
    return value if re.match(r"\d{4}-\d\d-\d\d", value) else None


def load_instances(path: Path) -> dict[str, str]:
    """instance id -> class (PER, ORG, LOC, PRO, FIN, OTHER, SPEECH_COGNITIVE, ...)."""
    out: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or row[0].startswith("#"):
                continue
            out[row[0]] = _CLASS_ALIASES.get(row[2].upper(), row[2].upper())
    return out


def load_doc(path: Path, classes: Mapping[str, str] | None = None) -> MeantimeDoc:
    root = ET.parse(path).getroot()
    raw_tokens = [(t.get("t_id", ""), t.get("sentence", "0"), t.text or "")
                  for t in root.iter("token")]
    text, offsets = rebuild_text(raw_tokens)
    token_text = {t_id: word for t_id, _, word in raw_tokens}
    markables = root.find("Markables")
    published = None
    descriptors: dict[str, tuple[str, str, str]] = {}  # m_id -> (kind, instance, class)
    mention_el: dict[str, ET.Element] = {}
    for el in list(markables) if markables is not None else []:
        if el.tag == "TIMEX3" and el.get("functionInDocument") == "CREATION_TIME":
            published = _date(el.get("value"))
        elif el.tag in ("ENTITY", "EVENT") and el.get("instance_id"):
            iid = el.get("instance_id", "")
            own = el.get("ent_type") or el.get("class") or ""
            cls = (classes or {}).get(iid) or _CLASS_ALIASES.get(own.upper(), own.upper())
            descriptors[el.get("m_id", "")] = (el.tag, iid, cls)
        elif el.tag in ("ENTITY_MENTION", "EVENT_MENTION"):
            mention_el[el.get("m_id", "")] = el
    mentions: list[GoldMention] = []
    relations = root.find("Relations")
    for rel in list(relations) if relations is not None else []:
        target = rel.find("target")
        if rel.tag != "REFERS_TO" or target is None or target.get("m_id") not in descriptors:
            continue
        kind, iid, cls = descriptors[target.get("m_id", "")]
        for source in rel.findall("source"):
            mel = mention_el.get(source.get("m_id", ""))
            if mel is None:
                continue
            spans = [offsets[a.get("t_id", "")] for a in mel.iter("token_anchor")
                     if a.get("t_id", "") in offsets]
            if not spans:
                continue
            start, end = min(s for s, _ in spans), max(e for _, e in spans)
            mentions.append(GoldMention(
                doc=path.stem, m_id=mel.get("m_id", ""), start=start, end=end,
                text=text[start:end], instance=iid, kind=kind, cls=cls,
                syntactic_type=mel.get("syntactic_type") or "", lemma=mel.get("pred") or "",
            ))
    return MeantimeDoc(name=path.stem, topic=path.parent.name, text=text, published=published,
                       tokens=offsets, token_text=token_text, mentions=tuple(mentions))


def load_corpus(root: Path, limit: int | None = None) -> list[MeantimeDoc]:
    paths = sorted(root.rglob("*.xml"))
    if limit:
        paths = paths[:limit]
    instances = root / "list_instances.csv"
    classes = load_instances(instances) if instances.exists() else {}
    return [load_doc(p, classes) for p in paths]


# -- scoring --------------------------------------------------------------------------------


def _groups(assign: Mapping[Key, str], items: Sequence[Key]) -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = defaultdict(set)
    for i in items:
        out[assign[i]].add(i)
    return out


def _prf(p: float, r: float, prefix: str) -> dict[str, float]:
    return percent_metrics(prefix, p, r, 2 * p * r / (p + r) if p + r else 0.0)


def b_cubed(gold: Mapping[Key, str], pred: Mapping[Key, str],
            prefix: str) -> dict[str, float]:
    """B-cubed over the items in both maps, as metrics named ``prefix``."""
    return percent_metrics(prefix, *shared_b_cubed(gold, pred))


def muc(gold: Mapping[Key, str], pred: Mapping[Key, str],
        prefix: str) -> dict[str, float]:
    """MUC (Vilain et al. 1995): links recovered, over the items in both maps."""
    items = [i for i in gold if i in pred]
    g, c = _groups(gold, items), _groups(pred, items)

    def score(clusters: dict[str, set[Key]], other: Mapping[Key, str]) -> float:
        num = sum(len(m) - len({other[i] for i in m}) for m in clusters.values())
        den = sum(len(m) - 1 for m in clusters.values())
        return num / den if den else 0.0

    return _prf(score(c, gold), score(g, pred), prefix)


def cross_doc_pairs(gold: Mapping[Key, str], pred: Mapping[Key, str],
                    doc: Mapping[Key, str], prefix: str) -> dict[str, float]:
    """Pairwise P/R/F1 over mention pairs from different documents only (what linking adds).

    Precision: predicted same-cluster pairs across documents that gold puts together;
    recall: gold pairs across documents that the prediction puts together.  Large clusters
    weigh quadratically, so this is dominated by the frequent instances.
    """
    items = [i for i in gold if i in pred]

    def pairs(members: list[Key]) -> int:
        per_doc = Counter(doc[i] for i in members)
        return (len(members) ** 2 - sum(n * n for n in per_doc.values())) // 2

    def total(assign: Callable[[Key], Hashable]) -> int:
        groups: dict[Hashable, list[Key]] = defaultdict(list)
        for i in items:
            groups[assign(i)].append(i)
        return sum(pairs(m) for m in groups.values())

    both = total(lambda i: (gold[i], pred[i]))
    n_gold, n_pred = total(lambda i: gold[i]), total(lambda i: pred[i])
    return _prf(both / n_pred if n_pred else 0.0, both / n_gold if n_gold else 0.0, prefix)


def norm_text(text: str) -> str:
    """The exact-string baseline's key: case, punctuation, articles and "'s" folded."""
    text = re.sub(r"'s\b|’s\b", "", text.casefold())
    words = re.findall(r"\w+", text)
    while words and words[0] in ("the", "a", "an"):
        words.pop(0)
    return " ".join(words)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _best(span: Span, candidates: Sequence[tuple[Span, str, str]], fits: frozenset[str]
          = frozenset()) -> str | None:
    """The candidate that stands for the gold mention ``span``, or None.

    Gold mentions are whole noun phrases ("Apple CEO Steve Jobs", "US automaker"), and a
    predicted mention inside one may be a modifier, not the head ("US" in "US automaker" is
    not General Motors).  So a candidate must carry a label that ``fits`` the gold class, or
    cover two thirds of the mention (a name the tagger mistyped: "Apple Computer" as a
    PERSON); then the largest overlap wins, then the rightmost (noun phrases end on their
    head).  With no ``fits`` (events) any overlap counts.
    """
    best: tuple[bool, int, int, str] | None = None
    for cand_span, label, value in candidates:
        ov = _overlap(span, cand_span)
        fit = label in fits
        if not ov or (fits and not fit and 3 * ov < 2 * (span[1] - span[0])):
            continue
        rank = (fit, ov, cand_span[0], value)
        if best is None or rank[:3] > best[:3]:
            best = rank
    return best[3] if best else None


def _cross_doc(mentions: Sequence[GoldMention]) -> set[str]:
    docs: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        docs[m.instance].add(m.doc)
    return {i for i, ds in docs.items() if len(ds) > 1}


def _purity(clusters: Mapping[str, str], topics: Mapping[str, str]) -> float:
    by_cluster: dict[str, Counter[str]] = defaultdict(Counter)
    for doc, cluster in clusters.items():
        by_cluster[cluster][topics[doc]] += 1
    total = sum(sum(c.values()) for c in by_cluster.values())
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / total if total else 0.0


def evaluate(gold: Path | None = None, *, model: str | None = None,
             limit: int | None = None) -> Report:
    from pressgraph.link import link_corpus
    from pressgraph.pipeline import PipelineConfig, run

    root = Path(gold) if gold else MEANTIME
    docs = load_corpus(root, limit)
    articles = [Article(id=article_id_for(d.text), text=d.text, raw_text=d.text,
                        path=d.name, source="Wikinews", published=d.published) for d in docs]
    extractions: list[Extraction] = list(run(articles, PipelineConfig(model=model, raw=True)))
    result = link_corpus(extractions)
    doc_of = {a.id: d.name for a, d in zip(articles, docs, strict=True)}
    member_of = result.state.actors.member_of

    # Predicted entity mentions and event triggers per document, as (span, cluster id).
    entity_spans: dict[str, list[tuple[Span, str, str]]] = defaultdict(list)
    event_spans: dict[str, list[tuple[Span, str, str]]] = defaultdict(list)
    unlinked_actors = 0
    for ext in result.extractions:
        name = doc_of[ext.article.id]
        for ent in ext.entities:
            if ent.actor_id is None:
                continue
            cid = member_of.get(ent.actor_id)
            if cid is None:
                unlinked_actors += 1
                cid = f"unlinked:{ent.actor_id}"  # an actor link_actors skipped: its own entity
            entity_spans[name].append(((ent.start, ent.end), ent.label, cid))
        for event in ext.events:
            if event.trigger_start is None or event.trigger_end is None:
                continue
            event_spans[name].append(((event.trigger_start, event.trigger_end),
                                      event.event_type, event.cluster_id or f"event:{event.id}"))

    all_mentions = [m for d in docs for m in d.mentions]
    cross = _cross_doc(all_mentions)
    ent_gold = [m for m in all_mentions if m.kind == "ENTITY" and m.instance in cross
                and m.cls in ENTITY_CLASSES]
    evt_gold = [m for m in all_mentions if m.kind == "EVENT" and m.instance in cross]

    def key(m: GoldMention) -> Key:
        return (m.doc, m.m_id)

    metrics: dict[str, float] = {}
    counts: dict[str, int] = {"articles": len(docs)}

    # Entities.
    e_gold = {key(m): m.instance for m in ent_gold}
    e_pred: dict[Key, str] = {}
    for m in ent_gold:
        cid = _best((m.start, m.end), entity_spans[m.doc], _FITS.get(m.cls, frozenset()))
        if cid is not None:
            e_pred[key(m)] = cid
    e_string = {key(m): norm_text(m.text) for m in ent_gold if key(m) in e_pred}
    metrics.update(b_cubed(e_gold, e_pred, "entity_b3"))
    metrics.update(muc(e_gold, e_pred, "entity_muc"))
    e_doc = {key(m): m.doc for m in ent_gold}
    metrics.update(cross_doc_pairs(e_gold, e_pred, e_doc, "entity_xdoc_pair"))
    metrics.update(b_cubed(e_gold, e_string, "entity_string_b3"))
    metrics.update(muc(e_gold, e_string, "entity_string_muc"))
    metrics.update(cross_doc_pairs(e_gold, e_string, e_doc, "entity_string_xdoc_pair"))
    metrics["entity_mention_coverage"] = _pct(len(e_pred), len(ent_gold))
    named = [m for m in ent_gold if m.syntactic_type in ("NAM", "PRE.NAM")]
    metrics["entity_name_coverage"] = _pct(sum(key(m) in e_pred for m in named), len(named))
    # The same baseline over every gold mention, pronouns and nominals included.
    all_string = {key(m): norm_text(m.text) for m in ent_gold}
    metrics.update({k: v for k, v in b_cubed(e_gold, all_string, "entity_string_all_b3").items()
                    if k.endswith("_f1")})

    # Events.
    v_gold = {key(m): m.instance for m in evt_gold}
    v_pred: dict[Key, str] = {}
    for m in evt_gold:
        cid = _best((m.start, m.end), event_spans[m.doc])
        if cid is not None:
            v_pred[key(m)] = cid
    v_lemma = {key(m): (m.lemma or norm_text(m.text)).casefold()
               for m in evt_gold if key(m) in v_pred}
    metrics.update(b_cubed(v_gold, v_pred, "event_b3"))
    metrics.update(muc(v_gold, v_pred, "event_muc"))
    v_doc = {key(m): m.doc for m in evt_gold}
    metrics.update(cross_doc_pairs(v_gold, v_pred, v_doc, "event_xdoc_pair"))
    metrics.update(b_cubed(v_gold, v_lemma, "event_lemma_b3"))
    metrics.update(cross_doc_pairs(v_gold, v_lemma, v_doc, "event_lemma_xdoc_pair"))
    metrics["event_mention_coverage"] = _pct(len(v_pred), len(evt_gold))

    # Stories: a sanity check against the topic folders, reported as a note.
    topics = {d.name: d.topic for d in docs}
    stories = {doc_of[a.id]: result.article_cluster_of(a.id) or a.id for a in articles}
    purity = _purity(stories, topics)
    inverse = _purity(topics, stories)

    counts.update({
        "entity_instances": len({m.instance for m in ent_gold}),
        "entity_gold_mentions": len(ent_gold),
        "entity_mapped_mentions": len(e_pred),
        "entity_pred_clusters": len(set(e_pred.values())),
        "entity_gold_named_mentions": len(named),
        "event_instances": len({m.instance for m in evt_gold}),
        "event_gold_mentions": len(evt_gold),
        "event_mapped_mentions": len(v_pred),
        "event_pred_clusters": len(set(v_pred.values())),
        "pred_events": sum(len(e.events) for e in extractions),
        "pred_event_clusters": len(result.event_clusters),
        "canonical_actors": len(result.actors),
        "unlinked_actor_mentions": unlinked_actors,
        "story_clusters": len(set(stories.values())),
        "articles_without_date": sum(d.published is None for d in docs),
    })
    notes = (
        f"story clusters vs the {len(set(topics.values()))} topic folders (sanity check, not "
        f"a metric): purity {100 * purity:.1f}, inverse purity {100 * inverse:.1f}, "
        f"{len(set(stories.values()))} predicted clusters",
    )
    return Report(task="link-meantime", gold=str(root), metrics=metrics, counts=counts,
                  notes=notes)


def _pct(num: int, den: int) -> float:
    return round(100 * num / den, 1) if den else 0.0

"""How linking scales: synthetic corpora of 1,000 and 10,000 articles.

    PYTHONPATH=src .venv/bin/python benchmarks/link_scale.py --sizes 1000 10000
    PYTHONPATH=src .venv/bin/python benchmarks/link_scale.py --sizes 1000 10000 --no-embed

The generator writes N articles about N/4 real-world events spread over many days and 40
countries at a constant density (10 events a day), each article with its actors, places, one
to three events and two count claims drawn around the event's true figure, so the blocks a
real news stream would give are reproduced.  Linking time divided by N should stay flat
(near-linear scaling); ``comparisons`` counts the pairs actually scored.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from pressgraph.evaluate.link import b_cubed
from pressgraph.link import LinkConfig, link_corpus
from pressgraph.model import Actor, Article, Claim, Event, Extraction, Place, stable_id

COUNTRIES = [f"C{i:02d}" for i in range(40)]
SUBJECTS = ["prisoners", "civilians", "soldiers", "protesters", "workers", "residents",
            "migrants", "passengers", "students", "farmers"]
VERBS = [("escape", "escaped from a prison"), ("kill", "were killed in an attack"),
         ("detain", "were detained after clashes"), ("displace", "fled their homes"),
         ("rescue", "were rescued from a capsized boat"), ("wound", "were wounded by shelling")]
PLOVER = {"escape": "RETREAT", "kill": "ASSAULT", "detain": "COERCE", "displace": "RETREAT",
          "rescue": "AID", "wound": "ASSAULT"}
FIRST = ["Amina", "Jean", "Ali", "Maria", "Peter", "Fatima", "Omar", "Grace", "Ivan", "Lena"]
LAST = ["Okafor", "Haddad", "Mensah", "Ruiz", "Kuol", "Nur", "Vos", "Diallo", "Petrov", "Sato"]
SYLLABLES = ["ka", "lo", "mi", "ra", "to", "ne", "su", "bi", "da", "fe", "go", "hu", "ji", "pe"]


def synthetic_corpus(n_articles: int, seed: int = 7,
                     truth: dict[str, str] | None = None) -> list[Extraction]:
    """N synthetic articles; ``truth`` (when given) receives article id -> true event."""
    rng = random.Random(seed)
    n_events = max(1, n_articles // 4)
    start = date(2020, 1, 1)
    events = []
    for i in range(n_events):
        verb, phrase = rng.choice(VERBS)
        events.append({
            "i": i, "day": start + timedelta(days=i // 10), "country": rng.choice(COUNTRIES),
            "city": f"Town{rng.randrange(500)}", "subject": rng.choice(SUBJECTS),
            "verb": verb, "phrase": phrase, "count": rng.randrange(5, 400),
            "cast": [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2)],
            # Each story has its own words (names, places, details) beyond the template.
            "words": ["".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4)))
                      for _ in range(25)],
        })
    out = []
    for k in range(n_articles):
        ev = events[k % n_events] if k < n_events else rng.choice(events)
        published = ev["day"] + timedelta(days=rng.randrange(0, 3))
        speaker = rng.choice(ev["cast"])
        figure = max(1, int(ev["count"] * rng.uniform(0.6, 1.4)))
        lead = (f"{figure} {ev['subject']} {ev['phrase']} in {ev['city']}, "
                f"{speaker} said on {published:%A}.")
        body = " ".join(rng.choice(ev["words"]) for _ in range(120))
        text = f"{lead} {body}."
        art = Article(id=stable_id("bench", k), text=text, source=f"Outlet{k % 30}",
                      published=published.isoformat())
        actor = Actor(id=stable_id(art.id, "actor", speaker), article_id=art.id, start=0,
                      end=1, extractor="bench", name=speaker, type="PERSON",
                      category="person", roles=("spokesperson",))
        place = Place(id=stable_id(art.id, "place"), article_id=art.id, start=0, end=1,
                      extractor="bench", text=ev["city"], name=ev["city"],
                      country_code=ev["country"])
        evs = tuple(Event(id=stable_id(art.id, "event", j), article_id=art.id, start=0,
                          end=len(lead), extractor="bench", text=lead,
                          event_type=PLOVER[ev["verb"]], place_id=place.id,
                          actor_id=actor.id, date=ev["day"].isoformat())
                    for j in range(rng.randrange(1, 4)))
        claims = tuple(Claim(id=stable_id(art.id, "claim", j), article_id=art.id, start=0,
                             end=len(lead), extractor="bench", claimant_actor_id=actor.id,
                             claimant_text=speaker, subject=ev["subject"],
                             predicate=ev["verb"], value_low=float(figure * (1 + j)),
                             value_high=float(figure * (1 + j)))
                       for j in range(2))
        if truth is not None:
            truth[art.id] = f"E{ev['i']}"
        out.append(Extraction(article=art, actors=(actor,), places=(place,), events=evs,
                              claims=claims))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-embed", action="store_true",
                        help="block and compare without MiniLM (MinHash, actors, types only)")
    args = parser.parse_args()
    config = LinkConfig(use_embeddings=not args.no_embed)
    print(f"{'articles':>9} {'seconds':>9} {'ms/article':>11} {'comparisons':>12} "
          f"{'stories':>8} {'true':>6} {'B3 F1':>6} {'relations':>10}")
    for n in args.sizes:
        truth: dict[str, str] = {}
        corpus = synthetic_corpus(n, truth=truth)
        t0 = time.perf_counter()
        result = link_corpus(corpus, config)
        elapsed = time.perf_counter() - t0
        pred = {a: result.article_cluster_of(a) or a for a in truth}
        f1 = b_cubed(truth, pred)[2]
        print(f"{n:>9} {elapsed:>9.1f} {1000 * elapsed / n:>11.2f} "
              f"{result.state.cluster_index.comparisons:>12} "
              f"{len(result.article_clusters):>8} {len(set(truth.values())):>6} "
              f"{100 * f1:>6.1f} {len(result.relations):>10}", flush=True)


if __name__ == "__main__":
    main()

"""Every page in a real headless Chromium over the real server: what it must draw, no script
errors, no request leaving the machine, a screenshot of each, and the time a page of 1,000
events takes to draw."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from web_harness import Watched, watch

# Budget for a page of >= 1,000 events, navigation start to drawn (issue 15).
THOUSAND_EVENTS_MS = 1000


def shoot(page: Watched, folder: Path, name: str) -> None:
    page.page.screenshot(path=str(folder / f"{name}.png"))


def first_id(db: Path, sql: str) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute(sql).fetchone()
    assert row, sql
    return str(row[0])


def test_overview_counts_conflicts_and_stories(page: Watched, examples_server: str,
                                               examples_db: Path, screenshots: Path) -> None:
    page.goto(examples_server + "/")
    with sqlite3.connect(examples_db) as conn:
        articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        conflicts = conn.execute(
            "SELECT COUNT(*) FROM conflicts WHERE relation = 'conflict'").fetchone()[0]
    counts = page.page.locator(".count .n").all_inner_texts()
    assert str(articles) in counts
    assert page.page.locator(".conflict-line").count() == min(conflicts, 8) > 0
    assert page.page.locator("table a[href^='/stories/']").count() > 0
    shoot(page, screenshots, "overview")


def test_map_draws_outlines_and_clustered_markers(page: Watched, examples_server: str,
                                                  screenshots: Path) -> None:
    page.goto(examples_server + "/map")
    outlines = page.page.locator(".leaflet-overlay-pane path:not(.pg-marker)").count()
    assert outlines > 100  # the 1:110m countries
    markers = page.page.locator("path.pg-marker").count()
    clusters = page.page.locator(".pg-cluster").count()
    assert markers > 0 and clusters > 0
    shoot(page, screenshots, "map")
    # A marker opens its record, linked to the sentence in its article: click the centre of
    # a marker nothing else covers.
    centre = page.page.evaluate(
        "() => { for (const p of document.querySelectorAll('path.pg-marker')) {"
        " const r = p.getBoundingClientRect(); const x = r.x + r.width / 2,"
        " y = r.y + r.height / 2; if (document.elementFromPoint(x, y) === p) return [x, y]; }"
        " return null; }")
    assert centre, "every marker is covered"
    page.page.mouse.click(*centre)
    link = page.page.locator(".leaflet-popup-content a").first
    assert "/articles/" in (link.get_attribute("href") or "")
    assert "#r-" in (link.get_attribute("href") or "")
    link.click()
    page.page.wait_for_selector("mark.hl.focus")


def test_map_filters_keep_only_matching_events(page: Watched, synthetic_server: str) -> None:
    page.goto(synthetic_server + "/map?event_type=PROTEST&since=2024-01-10&until=2024-01-20")
    data = page.page.evaluate("JSON.parse(document.getElementById('map-data').textContent)")
    events = [dict(zip(data["event_columns"], row, strict=True)) for row in data["events"]]
    assert events, "the filter should keep some synthetic protests"
    assert {e["event_type"] for e in events} == {"PROTEST"}
    assert all("2024-01-10" <= e["date"] <= "2024-01-20" for e in events)
    assert page.page.locator("select[name=event_type]").input_value() == "PROTEST"


def test_timeline_draws_bars(page: Watched, examples_server: str, screenshots: Path) -> None:
    page.goto(examples_server + "/timeline")
    svg = page.page.locator("#timeline svg")
    assert svg.count() == 1
    assert page.page.locator("#timeline svg .mark-rect path").count() > 10
    assert page.page.locator("#timeline svg .role-legend").count() >= 1
    shoot(page, screenshots, "timeline")


def test_conflict_shows_both_claims_and_reaches_its_sentences(
        page: Watched, examples_server: str, screenshots: Path) -> None:
    page.goto(examples_server + "/conflicts")
    card = page.page.locator("article.relation.rel-conflict").first
    sides = card.locator("section.claim")
    assert sides.count() == 2
    for i in range(2):
        assert sides.nth(i).locator("h4").inner_text().strip()
        assert sides.nth(i).locator("mark.claim-span").inner_text().strip()
        assert "/articles/" in (sides.nth(i).locator(".meta a").get_attribute("href") or "")
    shoot(page, screenshots, "conflicts")

    # From the overview, two clicks reach the sentence a conflict came from.
    page.goto(examples_server + "/")
    page.page.locator(".conflict-line a", has_text="both claims and evidence").first.click()
    page.page.wait_for_load_state("load")
    target = page.page.locator("article.relation:target section.claim").first
    evidence = target.locator("mark.claim-span").inner_text()
    target.locator(".meta a").first.click()
    page.page.wait_for_selector("mark.hl.focus")
    focused = "".join(page.page.locator("mark.hl.focus").all_inner_texts())
    assert evidence.strip() and evidence.strip() in focused


def test_article_highlights_spans_and_shows_records(page: Watched, examples_server: str,
                                                   examples_db: Path,
                                                   screenshots: Path) -> None:
    article_id = first_id(examples_db, "SELECT article_id FROM quotes GROUP BY article_id"
                          " ORDER BY COUNT(*) DESC LIMIT 1")
    page.goto(f"{examples_server}/articles/{article_id}")
    kinds = page.page.evaluate(
        "Array.from(new Set(Array.from(document.querySelectorAll('mark.hl'))"
        ".map(m => m.className.match(/k-(\\w+)/)[1])))")
    assert {"quotes", "places", "entities"} <= set(kinds)
    page.page.locator("mark.hl.k-quotes").first.hover()
    panel = page.page.locator("#record-panel .record")
    assert panel.count() >= 1
    assert any(t.startswith("quotes") for t in panel.locator("h4").all_inner_texts())
    assert any("@" in t for t in panel.locator("h4").all_inner_texts())  # extractor@version
    shoot(page, screenshots, "article")
    # The legend switches a kind's highlight off.
    page.page.locator("#legend input[value=quotes]").uncheck()
    assert page.page.evaluate("document.body.classList.contains('hide-quotes')")


def test_actor_and_story_pages(page: Watched, examples_server: str, examples_db: Path,
                               screenshots: Path) -> None:
    actor_id = first_id(examples_db, "SELECT speaker_actor_id FROM quotes"
                        " WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id"
                        " ORDER BY COUNT(*) DESC LIMIT 1")
    page.goto(f"{examples_server}/actors/{actor_id}")
    assert page.page.locator("h1").inner_text().strip()
    assert page.page.locator("blockquote.quote a[href*='#r-']").count() > 0
    shoot(page, screenshots, "actor")
    story_id = first_id(examples_db, "SELECT s.cluster_id FROM article_clusters s JOIN conflicts"
                        " r ON s.article_id = r.article_a WHERE r.relation = 'conflict' LIMIT 1")
    page.goto(f"{examples_server}/stories/{story_id}")
    assert page.page.locator("article.relation.rel-conflict").count() > 0
    assert page.page.locator("tr.disputed").count() > 0
    shoot(page, screenshots, "story")


def test_api_docs_render_from_vendored_swagger_ui(page: Watched, examples_server: str,
                                                 screenshots: Path) -> None:
    requested: list[str] = []
    page.page.on("request", lambda request: requested.append(request.url))
    page.goto(examples_server + "/docs")
    page.page.wait_for_selector(".swagger-ui .opblock")
    paths = page.page.locator(".swagger-ui .opblock .opblock-summary-path").all_inner_texts()
    assert "/api/events" in {path.strip() for path in paths}
    # Opening an operation draws its parameters from the schema, all in the page.
    page.page.locator(".swagger-ui .opblock", has_text="/api/events").first.locator(
        ".opblock-summary").first.click()
    page.page.wait_for_selector(".swagger-ui .opblock.is-open .parameters")
    shoot(page, screenshots, "api-docs")
    assert any(url.endswith("/openapi.json") for url in requested)
    assert any(url.endswith("/swagger-ui-bundle.js") for url in requested)
    off_host = [url for url in requested if not url.startswith(examples_server + "/")]
    assert not off_host, off_host


def test_markup_in_article_text_stays_text(page: Watched, synthetic_server: str,
                                           synthetic_db: Path) -> None:
    article_id = first_id(synthetic_db, "SELECT id FROM articles WHERE title LIKE '<script>%'")
    for path in (f"/articles/{article_id}", "/articles", "/map"):
        page.goto(synthetic_server + path)
        assert page.page.evaluate("window.__pwned === undefined"), path
    page.goto(f"{synthetic_server}/articles/{article_id}")
    assert "<script>window.__pwned = 3</script>" in page.page.locator(
        "#article-text").inner_text()
    assert page.page.locator("h1").inner_text().startswith("<script>")


@pytest.mark.parametrize("path", ["/map", "/timeline"])
def test_a_thousand_events_draw_within_a_second(browser: Any, synthetic_server: str,
                                                 synthetic_db: Path, path: str) -> None:
    """Navigation start to drawn, each try in a fresh browser context (nothing cached); the
    best of three is asserted, so a busy machine's worst moment does not decide it."""
    with sqlite3.connect(synthetic_db) as conn:
        events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert events >= 1000
    tries = []
    for _ in range(3):
        context = browser.new_context(viewport={"width": 1200, "height": 760})
        page = watch(context.new_page())
        # Warm the server (its first request compiles templates); the page's own scripts
        # and data still load cold.
        page.goto(synthetic_server + "/")
        page.goto(synthetic_server + path)
        if path == "/map":
            drawn = page.page.evaluate(
                "JSON.parse(document.getElementById('map-data').textContent).events.length")
            assert drawn == events
        timing = page.timing()
        context.close()
        assert not page.errors, page.errors
        tries.append(max(timing["load"], timing["ready"]))
    print(f"\n{path} with {events} events, navigation start to drawn: "
          f"{', '.join(f'{t:.0f}' for t in tries)} ms")
    assert 0 < min(tries) < THOUSAND_EVENTS_MS, tries

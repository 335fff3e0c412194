"""Cleaning keeps one headline on top, drops repeated headlines, captions and trailers, and
never drops a real sentence of the story."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressgraph.clean import clean_article, clean_text, headline_end
from pressgraph.model import Article, article_id_for

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "isis-prisoners-escape.txt"


def _sentences(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_scraped_page_loses_chrome_but_keeps_every_story_sentence() -> None:
    raw = (FIXTURES / "scraped-port-strike.txt").read_text("utf-8")
    result = clean_text(raw)
    assert result.title == (
        "Dockworkers strike halts cargo at Mombasa port as union rejects pay offer"
    )
    kept = _sentences(result.text)
    assert kept == [
        "Dockworkers strike halts cargo at Mombasa port as union rejects pay offer",
        "Thousands of dockworkers walked off the job at Mombasa port on Monday, halting the "
        "loading of cargo ships after their union rejected a government pay offer.",
        'Union secretary-general Peter Wanjala said about 4,000 members had joined the strike. '
        '"We will not go back until the offer is doubled," he told reporters outside the port '
        "gates.",
        "The Kenya Ports Authority said it had contingency plans. It did not say how many ships "
        "were waiting.",
        "Short line.",
    ]
    reasons = [reason for _, _, reason in result.dropped]
    assert reasons == ["headline", "caption", "trailer", "trailer"]


def test_clean_story_is_untouched_and_starts_with_its_headline() -> None:
    raw = (FIXTURES / "clean-story.txt").read_text("utf-8")
    result = clean_text(raw)
    assert result.title == "Flooding forces evacuations along the Sava river"
    assert _sentences(result.text) == _sentences(raw)
    article = clean_article(Article(id=article_id_for(raw), text=raw, raw_text=raw))
    # One rule for every record's offsets: the headline is the text's first paragraph.
    assert headline_end(article) == len(result.title)
    assert article.text[:headline_end(article)] == article.title


def test_headline_given_by_the_reader_and_repeated_in_the_text_is_kept_once() -> None:
    raw = "Dam breach floods three villages\n\nDam breach floods three villages\n\nA dam gave way."
    article = clean_article(Article(id="x", text=raw, raw_text=raw,
                                    title="Dam breach floods three villages | Valley Post"))
    assert article.text == "Dam breach floods three villages\n\nA dam gave way."
    assert article.title == "Dam breach floods three villages"
    assert headline_end(article) == len(article.title)


def test_a_title_the_text_does_not_carry_has_no_headline_offsets() -> None:
    article = clean_article(Article(id="y", text="A dam gave way.\n\nThree villages flooded.",
                                    raw_text=None, title="Valley dam fails"))
    assert article.title == "Valley dam fails"
    assert headline_end(article) == 0


@pytest.mark.parametrize("name", ["scraped-port-strike.txt", "clean-story.txt"])
def test_every_kept_character_maps_back_to_the_input(name: str) -> None:
    raw = (FIXTURES / name).read_text("utf-8")
    result = clean_text(raw)
    for clean_start, raw_start, length in result.offset_map.segments:
        assert result.text[clean_start:clean_start + length] == raw[raw_start:raw_start + length]
    start = result.offset_map.to_raw(0)
    assert start is not None and raw[start:start + 20] == result.text[:20]


def test_sample_article_has_no_duplicated_headline_caption_or_trailer() -> None:
    raw = SAMPLE.read_text("utf-8")
    article = clean_article(Article(id=article_id_for(raw), text=raw, raw_text=raw))
    assert article.title is not None and article.title.startswith("More than 100 ISIS prisoners")
    assert "(pictured)" not in article.text
    assert "Read more at" not in article.text
    # The headline once (the page repeats it, truncated first), then the lede.
    assert article.text.count("More than 100 ISIS prisoners have escaped") == 2
    assert article.text.startswith(article.title + "\n\n")
    # The page has a non-breaking space here; cleaning keeps characters verbatim.
    assert " ".join(article.text[headline_end(article):].split()).startswith(
        "More than 100 ISIS prisoners have escaped in Syria in the chaos"
    )
    assert article.text.rstrip().endswith("‘in the low hundreds.’")
    assert len(_sentences(article.text)) == 14


def test_raw_mode_keeps_the_decoded_input_exactly() -> None:
    raw = SAMPLE.read_text("utf-8")
    article = clean_article(Article(id="x", text=raw, raw_text=raw), raw=True)
    assert article.text == raw
    assert article.offset_map is not None and article.offset_map.to_raw(500) == 500


def test_without_marks_drops_combining_marks_only() -> None:
    import unicodedata

    from pressgraph.clean import without_marks

    for text in ["Ḩawl", "São Tomé", "İstanbul", "plain ASCII", "", "“Zürich’s”", "ﬁle Ω",
                 "a\u0301\u0327b", "中文"]:
        plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                        if not unicodedata.combining(c))
        assert without_marks(text) == plain
    assert without_marks("Ḩawl") == "Hawl"

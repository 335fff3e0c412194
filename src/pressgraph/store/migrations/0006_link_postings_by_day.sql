-- pressgraph store, schema version 6: the inverted index of the articles' TF-IDF terms is
-- keyed by (term, day, seq), so story retrieval reads only the postings inside the story time
-- window (and those of undated articles). Keyed by (term, seq), it read the newest 60 postings
-- of each term, and those reach further back as the store grows: 6 postings a term at 1k
-- stored articles, 40 at 10k, the cap of 60 beyond, most of them too old to join a story.
-- (Numbered 6: 5 is taken by another branch's migration.)
-- Undated articles are filed under day 99999999 (after every real day: a WITHOUT ROWID key
-- cannot be NULL), the value linking.py's UNDATED_DAY names.
CREATE TABLE link_postings_by_day (
    term TEXT NOT NULL, day INTEGER NOT NULL, seq INTEGER NOT NULL, article_id TEXT NOT NULL,
    weight REAL NOT NULL, PRIMARY KEY (term, day, seq)
) WITHOUT ROWID;
INSERT INTO link_postings_by_day (term, day, seq, article_id, weight)
SELECT p.term, COALESCE(a.day, 99999999), p.seq, p.article_id, p.weight
FROM link_postings p JOIN link_articles a ON a.article_id = p.article_id
ORDER BY p.term, COALESCE(a.day, 99999999), p.seq;
DROP TABLE link_postings;
ALTER TABLE link_postings_by_day RENAME TO link_postings;

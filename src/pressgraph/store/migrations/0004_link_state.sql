-- pressgraph store, schema version 4: the state incremental linking keeps between ingests.
-- Linking an article reads only the rows of the blocks it falls in (its heaviest terms, its
-- MinHash bands, its story, its event blocks, its actors' name keys), so its cost does not
-- grow with the store. Every link_* row carries the linking sequence number (seq) of the
-- article that wrote it: candidates are read newest first, a bounded number per block.

-- Articles stored but not linked yet (written by the insert trigger, removed by linking in
-- the same transaction that writes the article's links).
CREATE TABLE link_pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL UNIQUE
);
CREATE TRIGGER link_pending_insert AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO link_pending (article_id) VALUES (new.id);
END;
-- Stores from before this version are linked once more, incrementally, in ingest order.
INSERT OR IGNORE INTO link_pending (article_id) SELECT id FROM articles ORDER BY rowid;

-- One row per linked article: its story (article cluster), the near-duplicate it reposts,
-- its canonical actors and place keys (JSON), its TF-IDF terms (JSON {term: weight}, at most 64), its lead vector (float16) and MinHash.
CREATE TABLE link_articles (
    article_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, day INTEGER, story TEXT NOT NULL,
    repost_of TEXT, terms TEXT NOT NULL, vector BLOB, actors TEXT NOT NULL, places TEXT NOT NULL,
    minhash BLOB NOT NULL
);
CREATE INDEX link_articles_story ON link_articles(story, seq);

-- Document frequency of every term seen (TF-IDF weights of new articles).
CREATE TABLE link_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;

-- Blocks: an inverted index of the articles' TF-IDF terms (with their weights), the articles'
-- MinHash LSH bands.
CREATE TABLE link_postings (
    term TEXT NOT NULL, seq INTEGER NOT NULL, article_id TEXT NOT NULL, weight REAL NOT NULL,
    PRIMARY KEY (term, seq)
) WITHOUT ROWID;
CREATE TABLE link_bands (
    band TEXT NOT NULL, seq INTEGER NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (band, seq)
) WITHOUT ROWID;

-- Events: features and the event cluster (id of the cluster's first event's cluster).
CREATE TABLE link_events (
    event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, article_id TEXT NOT NULL,
    cluster TEXT NOT NULL, event_type TEXT NOT NULL, day INTEGER, date TEXT, places TEXT NOT NULL,
    participants TEXT NOT NULL, trigger TEXT NOT NULL, vector BLOB, label TEXT NOT NULL
);
CREATE INDEX link_events_article ON link_events(article_id);
CREATE INDEX link_events_cluster ON link_events(cluster, seq);
CREATE TABLE link_event_blocks (
    block TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (block, seq, event_id)
) WITHOUT ROWID;
CREATE TABLE link_event_clusters (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, event_type TEXT NOT NULL, label TEXT NOT NULL
);

-- Canonical actors: name keys, surnames of people named in full, and each actor's names and
-- roles (JSON); its members are the actors rows whose canonical_id points to it.
CREATE TABLE link_actor_keys (
    grp TEXT NOT NULL, key TEXT NOT NULL, canonical_id TEXT NOT NULL, PRIMARY KEY (grp, key)
) WITHOUT ROWID;
CREATE TABLE link_surnames (
    surname TEXT NOT NULL, canonical_id TEXT NOT NULL, PRIMARY KEY (surname, canonical_id)
) WITHOUT ROWID;
CREATE TABLE link_actors (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, name TEXT NOT NULL, type TEXT, category TEXT,
    grp TEXT NOT NULL, names TEXT NOT NULL, roles TEXT NOT NULL
);

-- The cross-article tables are now views over that state: an article's links touch a few
-- rows, never a corpus-wide JSON list.
DROP TABLE canonical_actors;
CREATE VIEW canonical_actors AS
SELECT l.id AS id, l.name AS name, l.type AS type, l.category AS category,
       (SELECT json_group_array(value) FROM json_each(l.names) WHERE value != l.name) AS aliases,
       l.roles AS roles,
       (SELECT json_group_array(m.id) FROM
           (SELECT a.id FROM actors a WHERE a.canonical_id = l.id ORDER BY a.rowid) m) AS members,
       (SELECT COUNT(DISTINCT a.article_id) FROM actors a WHERE a.canonical_id = l.id)
           AS article_count
FROM link_actors l ORDER BY l.seq, l.id;

DROP TABLE event_clusters;
CREATE VIEW event_clusters AS
SELECT c.id AS id, c.event_type AS event_type, c.label AS label,
       (SELECT json_group_array(p.value) FROM
           (SELECT DISTINCT j.value FROM link_events e, json_each(e.places) j
            WHERE e.cluster = c.id ORDER BY j.value) p) AS places,
       (SELECT MIN(e.date) FROM link_events e WHERE e.cluster = c.id) AS date_start,
       (SELECT MAX(e.date) FROM link_events e WHERE e.cluster = c.id) AS date_end,
       (SELECT json_group_array(m.event_id) FROM
           (SELECT e.event_id FROM link_events e WHERE e.cluster = c.id ORDER BY e.seq, e.event_id)
           m) AS event_ids,
       (SELECT json_group_array(m.article_id) FROM
           (SELECT e.article_id FROM link_events e WHERE e.cluster = c.id
            GROUP BY e.article_id ORDER BY MIN(e.seq)) m) AS article_ids,
       (SELECT COUNT(*) FROM link_events e WHERE e.cluster = c.id) AS mention_count,
       (SELECT COUNT(DISTINCT e.article_id) FROM link_events e WHERE e.cluster = c.id)
           AS article_count
FROM link_event_clusters c ORDER BY c.seq, c.id;

-- Relations are read by article (``article_a = ? OR article_b = ?``): without these an
-- article's load scanned every relation of the store.
CREATE INDEX IF NOT EXISTS conflicts_article_a ON conflicts(article_a);
CREATE INDEX IF NOT EXISTS conflicts_article_b ON conflicts(article_b);

-- pressgraph store, schema version 1.
-- One table per record kind; every record row carries article_id, start, end (offsets into
-- articles.text) and the extractor that produced it. Tuple/dict fields are stored as JSON text.

-- Flags the store keeps about itself (e.g. links_stale: articles written since the last link).
CREATE TABLE store_state (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE articles (
    id            TEXT PRIMARY KEY,
    path          TEXT,
    url           TEXT,
    title         TEXT,
    published     TEXT,
    author        TEXT,
    source        TEXT,
    language      TEXT,
    input_format  TEXT,
    text          TEXT NOT NULL,
    raw_text      TEXT,
    offset_map    TEXT,
    pipeline      TEXT,
    ingested_at   TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;

CREATE TABLE entities (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    text TEXT NOT NULL, label TEXT NOT NULL, actor_id TEXT
);
CREATE INDEX entities_article ON entities(article_id);
CREATE INDEX entities_actor ON entities(actor_id);

CREATE TABLE actors (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    name TEXT NOT NULL, type TEXT NOT NULL, category TEXT, roles TEXT, aliases TEXT,
    mention_count INTEGER, country_code TEXT, inter INTEGER, canonical_id TEXT
);
CREATE INDEX actors_article ON actors(article_id);
CREATE INDEX actors_name ON actors(name);
CREATE INDEX actors_canonical ON actors(canonical_id);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    content TEXT NOT NULL, kind TEXT NOT NULL, cue TEXT, cue_start INTEGER, cue_end INTEGER,
    source_text TEXT, source_start INTEGER, source_end INTEGER, speaker_actor_id TEXT,
    speaker_text TEXT, recipient_text TEXT, recipient_start INTEGER, recipient_end INTEGER
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker_actor_id);

CREATE TABLE quantities (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    text TEXT NOT NULL, kind TEXT, value REAL, low REAL, high REAL,
    low_inclusive INTEGER, high_inclusive INTEGER, approximate INTEGER, hedge TEXT, unit TEXT,
    object_text TEXT, object_head TEXT, predicate TEXT, count_type TEXT, refers_to TEXT
);
CREATE INDEX quantities_article ON quantities(article_id);
CREATE INDEX quantities_count_type ON quantities(count_type);

CREATE TABLE times (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    text TEXT NOT NULL, type TEXT, value TEXT, range_start TEXT, range_end TEXT,
    granularity TEXT, anchor TEXT, resolved INTEGER
);
CREATE INDEX times_article ON times(article_id);

CREATE TABLE places (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    text TEXT NOT NULL, name TEXT, geonameid INTEGER, lat REAL, lon REAL, feature TEXT,
    feature_code TEXT, country_code TEXT, admin1 TEXT, precision TEXT, bbox TEXT,
    is_metonym INTEGER, is_focus INTEGER, mention_type TEXT
);
CREATE INDEX places_article ON places(article_id);
CREATE INDEX places_geonameid ON places(geonameid);
CREATE INDEX places_country ON places(country_code);

CREATE TABLE events (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    text TEXT NOT NULL, event_type TEXT NOT NULL, trigger TEXT, trigger_start INTEGER,
    trigger_end INTEGER, mode TEXT, context TEXT, actor_id TEXT, actor_text TEXT,
    recipient_id TEXT, recipient_text TEXT, place_id TEXT, date TEXT, dead REAL, injured REAL,
    size REAL, factuality TEXT, acled_event_type TEXT, acled_sub_event_type TEXT,
    inter1 INTEGER, inter2 INTEGER, cluster_id TEXT
);
CREATE INDEX events_article ON events(article_id);
CREATE INDEX events_type ON events(event_type);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_cluster ON events(cluster_id);

CREATE TABLE claims (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, extractor TEXT NOT NULL,
    claimant_actor_id TEXT, claimant_text TEXT, subject TEXT, predicate TEXT,
    value_low REAL, value_high REAL, polarity TEXT, hedge TEXT, time TEXT, place TEXT,
    quote_id TEXT, quantity_id TEXT, event_id TEXT,
    value_low_inclusive INTEGER, value_high_inclusive INTEGER
);
CREATE INDEX claims_article ON claims(article_id);
CREATE INDEX claims_subject ON claims(subject);

-- Cross-article results (link stage): relations between claims, canonical actors, clusters.
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY, relation TEXT NOT NULL, claim_a TEXT NOT NULL, claim_b TEXT NOT NULL,
    article_a TEXT NOT NULL, article_b TEXT NOT NULL, explanation TEXT NOT NULL
);
CREATE INDEX conflicts_relation ON conflicts(relation);

-- roles: JSON [[role, first publication date it was seen], ...]; members: per-article actor ids.
CREATE TABLE canonical_actors (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT, category TEXT,
    aliases TEXT, roles TEXT, members TEXT, article_count INTEGER
);

CREATE TABLE event_clusters (
    id TEXT PRIMARY KEY, event_type TEXT, label TEXT, places TEXT, date_start TEXT,
    date_end TEXT, event_ids TEXT, article_ids TEXT, mention_count INTEGER, article_count INTEGER
);

-- Stories: articles reporting the same real-world event (near-duplicates included).
CREATE TABLE article_clusters (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    cluster_id TEXT NOT NULL
);
CREATE INDEX article_clusters_cluster ON article_clusters(cluster_id);

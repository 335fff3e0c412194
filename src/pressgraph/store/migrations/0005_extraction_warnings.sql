-- pressgraph store, schema version 5: what went wrong while extracting an article that was
-- stored all the same. An extractor that raised leaves its records out and one row here
-- (extractor names it; NULL for a warning of another kind), so a reader can tell "nothing
-- found" from "not looked for". Rows are in the order the pipeline gave them (position).
CREATE TABLE extraction_warnings (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    extractor TEXT,
    message TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE INDEX extraction_warnings_extractor ON extraction_warnings(extractor);

-- ACLED-grade event typing (issue 18): the non-conflict type, the report's main event and
-- the ACLED columns an export reads straight off the event.
ALTER TABLE events ADD COLUMN other_type TEXT;
ALTER TABLE events ADD COLUMN is_main INTEGER;
ALTER TABLE events ADD COLUMN rank INTEGER;
ALTER TABLE events ADD COLUMN interaction INTEGER;
ALTER TABLE events ADD COLUMN fatalities REAL;
ALTER TABLE events ADD COLUMN time_precision INTEGER;
ALTER TABLE events ADD COLUMN geo_precision INTEGER;
ALTER TABLE events ADD COLUMN notes TEXT;
CREATE INDEX events_main ON events(is_main);

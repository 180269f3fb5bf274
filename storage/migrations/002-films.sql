-- The film catalog: films, people, credits, spoiler-tiered summaries, quotes, sourced facts,
-- related films, external ids, MovieLens ratings, an FTS5 title index and the TMDB cache.
-- Every fact row names its source ("seed:<file>", "movielens", "ggplot2movies", "imdb", "tmdb").
-- Rows a newer curated file no longer states are retired (retired_at set), never deleted.

CREATE TABLE films (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    original_title  TEXT,
    year            INTEGER,
    runtime_minutes INTEGER,
    synopsis        TEXT,
    synopsis_source TEXT,
    rating          REAL,
    rating_votes    INTEGER,
    rating_source   TEXT,
    popularity      INTEGER NOT NULL DEFAULT 0,  -- votes or ratings counted, for ranking
    -- 1 = most popular; the full-text index is keyed on it, so matches come out best first
    -- and a LIMIT stops early. Renumbered after every import; new films go to the end.
    search_rank     INTEGER NOT NULL UNIQUE,
    match_key       TEXT NOT NULL,               -- folded title without leading article
    search_text     TEXT NOT NULL,               -- what films_fts indexes
    source          TEXT NOT NULL,               -- who added the film first
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX films_match_key ON films (match_key, year);
CREATE INDEX films_popularity ON films (popularity DESC, id);
-- "Titles starting with" one or two typed characters, best first, without sorting.
CREATE INDEX films_initial_1 ON films (substr(match_key, 1, 1), search_rank);
CREATE INDEX films_initial_2 ON films (substr(match_key, 1, 2), search_rank);

CREATE VIRTUAL TABLE films_fts USING fts5 (
    search_text,
    content = 'films',
    content_rowid = 'search_rank',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER films_fts_insert AFTER INSERT ON films BEGIN
    INSERT INTO films_fts (rowid, search_text) VALUES (new.search_rank, new.search_text);
END;

CREATE TRIGGER films_fts_update AFTER UPDATE OF search_text ON films BEGIN
    INSERT INTO films_fts (films_fts, rowid, search_text) VALUES ('delete', old.search_rank, old.search_text);
    INSERT INTO films_fts (rowid, search_text) VALUES (new.search_rank, new.search_text);
END;

CREATE TRIGGER films_fts_delete AFTER DELETE ON films BEGIN
    INSERT INTO films_fts (films_fts, rowid, search_text) VALUES ('delete', old.search_rank, old.search_text);
END;

-- imdb (tt...), movielens (movieId), tmdb (id), curated (the data file's key).
CREATE TABLE film_external_ids (
    namespace TEXT NOT NULL,
    value     TEXT NOT NULL,
    film_id   INTEGER NOT NULL REFERENCES films (id),
    source    TEXT NOT NULL,
    PRIMARY KEY (namespace, value)
);
CREATE INDEX film_external_ids_film ON film_external_ids (film_id);

CREATE TABLE film_genres (
    film_id INTEGER NOT NULL REFERENCES films (id),
    genre   TEXT NOT NULL,
    source  TEXT NOT NULL,
    PRIMARY KEY (film_id, genre)
);
CREATE INDEX film_genres_genre ON film_genres (genre);

CREATE TABLE film_countries (
    film_id INTEGER NOT NULL REFERENCES films (id),
    country TEXT NOT NULL,
    source  TEXT NOT NULL,
    PRIMARY KEY (film_id, country)
);

CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    imdb_id    TEXT UNIQUE,
    birth_year INTEGER,
    death_year INTEGER,
    source     TEXT NOT NULL
);
CREATE INDEX people_name_key ON people (name_key);

CREATE TABLE credits (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    role          TEXT NOT NULL CHECK (role IN
                    ('director', 'writer', 'cast', 'composer', 'cinematographer', 'producer')),
    character     TEXT NOT NULL DEFAULT '',
    aliases       TEXT NOT NULL DEFAULT '[]',  -- JSON list of other names for the character
    note          TEXT,
    billing_order INTEGER NOT NULL DEFAULT 0,
    source        TEXT NOT NULL,
    retired_at    TEXT,
    UNIQUE (film_id, person_id, role, character)
);
CREATE INDEX credits_person ON credits (person_id);

CREATE TABLE summary_sections (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films (id),
    position      INTEGER NOT NULL,
    heading       TEXT NOT NULL,
    text          TEXT NOT NULL,
    spoiler_level INTEGER NOT NULL CHECK (spoiler_level IN (0, 1, 2)),
    source        TEXT NOT NULL,
    retired_at    TEXT,
    UNIQUE (film_id, heading, source)
);

CREATE TABLE quotes (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films (id),
    position      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    speaker       TEXT,
    spoiler_level INTEGER NOT NULL DEFAULT 0 CHECK (spoiler_level IN (0, 1, 2)),
    source        TEXT NOT NULL,
    retired_at    TEXT,
    UNIQUE (film_id, text, source)
);

-- Trivia, awards, budget, box office, locations, novel, setting...: kind names which.
CREATE TABLE film_facts (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films (id),
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    spoiler_level INTEGER NOT NULL DEFAULT 0 CHECK (spoiler_level IN (0, 1, 2)),
    note          TEXT,
    source        TEXT NOT NULL,
    retired_at    TEXT,
    UNIQUE (film_id, kind, value, source)
);
CREATE INDEX film_facts_kind ON film_facts (film_id, kind);

CREATE TABLE related_films (
    film_id         INTEGER NOT NULL REFERENCES films (id),
    related_film_id INTEGER NOT NULL REFERENCES films (id),
    relation        TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    note            TEXT,
    source          TEXT NOT NULL,
    year_source     TEXT,
    retired_at      TEXT,
    PRIMARY KEY (film_id, related_film_id, relation)
);

-- MovieLens ratings, for item-to-item similarity. centered = rating minus the user's mean.
CREATE TABLE film_ratings (
    source   TEXT NOT NULL,
    user_id  INTEGER NOT NULL,
    film_id  INTEGER NOT NULL REFERENCES films (id),
    rating   REAL NOT NULL,
    centered REAL NOT NULL,
    PRIMARY KEY (source, user_id, film_id)
) WITHOUT ROWID;
CREATE INDEX film_ratings_film ON film_ratings (film_id, user_id, centered);

-- Answers from TMDB's API, so the same lookup is not repeated (and nothing calls out twice).
CREATE TABLE tmdb_cache (
    request    TEXT PRIMARY KEY,  -- path and query, without the API key
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    fetched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

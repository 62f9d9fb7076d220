-- The operator's desk (SPEC §12): the knowledge base of matters for one-time notification (一次性告知), and the
-- matters told recorded in the signed hop of an answer.

-- Search grams of a text: every pair of adjacent characters of each run between spaces and punctuation (a run of
-- one character is its own gram), lower-cased. Chinese has no spaces between words, and the database's locale may
-- be C, under which pg_trgm sees no word characters in Chinese at all (show_trgm('热水器漏水') is empty); pairs
-- of characters need no word boundaries and no locale.
CREATE FUNCTION hotline.matter_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(w, i, 2)), '{}')
    FROM regexp_split_to_table(lower(coalesce(t, '')),
                               '[[:space:][:punct:]　，。、；：？！“”‘’（）《》【】〔〕…—·]+') AS w,
         generate_series(1, greatest(char_length(w) - 1, 1)) AS i
    WHERE w <> ''
$$;

-- Every version of every matter, as written: an edit adds a version, none is changed or removed, so what an
-- operator told a caller (a hop names code and version) can always be shown again.
CREATE TABLE hotline.matter_versions (
    code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    version     integer NOT NULL CHECK (version >= 1),
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    department  text NOT NULL REFERENCES hotline.departments (code),
    conditions  text NOT NULL CHECK (char_length(conditions) BETWEEN 1 AND 2000),
    materials   text NOT NULL CHECK (char_length(materials) BETWEEN 1 AND 2000),
    fees        text NOT NULL CHECK (char_length(fees) BETWEEN 1 AND 500),
    time_limit  text NOT NULL CHECK (char_length(time_limit) BETWEEN 1 AND 200),
    procedure   text NOT NULL CHECK (char_length(procedure) BETWEEN 1 AND 2000),
    refusal     text CHECK (char_length(refusal) BETWEEN 1 AND 1000),
    keywords    text[] NOT NULL DEFAULT '{}' CHECK (cardinality(keywords) <= 20),
    -- A staff login, or `root` (an administrator without a staff record).
    edited_by   text NOT NULL,
    acting_root boolean NOT NULL DEFAULT false,
    edited_at   timestamptz NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE FUNCTION hotline.refuse_matter_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'matter versions are kept as written; an edit adds a version (SPEC §12)';
END
$$;
CREATE TRIGGER matter_versions_append_only BEFORE UPDATE OR DELETE ON hotline.matter_versions
    FOR EACH ROW EXECUTE FUNCTION hotline.refuse_matter_version_change();

-- One row per matter: its current version.
CREATE TABLE hotline.matters (
    code    text PRIMARY KEY,
    version integer NOT NULL,
    FOREIGN KEY (code, version) REFERENCES hotline.matter_versions (code, version)
);
CREATE INDEX matter_versions_department ON hotline.matter_versions (department, code);

-- What search reads: one row per gram of a matter's current version, weight 4 when the gram is in the title or the
-- keywords and 1 otherwise. A search adds up the weights of the query's grams per matter straight from the index
-- (an index-only scan of the postings of those grams), so its cost follows how many matters share the query's
-- grams, not the length of their texts.
CREATE TABLE hotline.matter_postings (
    gram   text NOT NULL,
    code   text NOT NULL REFERENCES hotline.matters (code),
    weight smallint NOT NULL CHECK (weight IN (1, 4)),
    PRIMARY KEY (gram, code) INCLUDE (weight)
);
CREATE INDEX matter_postings_code ON hotline.matter_postings (code);

-- The matters told in a hop (`complaint resolve --told`), as CODE@VERSION; covered by the hop's hash. Empty for
-- every hop before, so their hashes are unchanged.
ALTER TABLE hotline.hops ADD COLUMN told text[] NOT NULL DEFAULT '{}';

-- Merging duplicates (并单): the case a closed duplicate was merged into.
ALTER TABLE hotline.complaints ADD COLUMN merged_into bigint REFERENCES hotline.complaints (id)
    CHECK (merged_into <> id);

-- Caller history and repeat callers look complaints and calls up by number.
CREATE INDEX complaints_caller_phone ON hotline.complaints (caller_phone) WHERE caller_phone IS NOT NULL;
CREATE INDEX calls_caller_number ON hotline.calls (caller_number) WHERE caller_number IS NOT NULL;

-- Call-backs (漏接回拨): every missed or abandoned call is a task; each attempt is a row with who and when. The task
-- is open until an attempt reached the caller or found the number wrong.
CREATE TABLE hotline.callback_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id     text NOT NULL REFERENCES hotline.calls (call_id),
    outcome     text NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'wrong_number')),
    note        text CHECK (char_length(note) <= 500),
    by_login    text NOT NULL REFERENCES hotline.staff (login),
    acting_root boolean NOT NULL DEFAULT false,
    at          timestamptz NOT NULL
);
CREATE INDEX callback_attempts_call ON hotline.callback_attempts (call_id, id);
CREATE INDEX calls_unanswered ON hotline.calls (offered_at) WHERE outcome IN ('missed', 'abandoned');

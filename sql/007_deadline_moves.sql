-- Deadlines moved by a calendar import (SPEC §4): when the official holiday schedule of a year replaces its
-- provisional statutory days, every pending deadline whose span crossed a day that changed is recomputed from its
-- start, and the move is kept here — old and new due time, the file imported, the days that changed, who imported
-- it — so `complaint show` can say why a due time is not what it was. Met, breached and cancelled deadlines never
-- move, so a row here always belongs to a deadline that was pending at `at`.
CREATE TABLE hotline.deadline_moves (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deadline_id  bigint NOT NULL REFERENCES hotline.deadlines (id),
    at           timestamptz NOT NULL,
    old_due_at   timestamptz NOT NULL,
    new_due_at   timestamptz NOT NULL,
    source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 1000),
    changed_days date[] NOT NULL CHECK (cardinality(changed_days) >= 1),
    by_login     text NOT NULL CHECK (length(by_login) BETWEEN 1 AND 200),
    CHECK (new_due_at <> old_due_at)
);
CREATE INDEX deadline_moves_deadline ON hotline.deadline_moves (deadline_id);

-- What the complaint workflow (HotlineCore.ComplaintWorkflow) keeps beyond migration 001: counters it decides
-- on (R7 returns, re-routes) and the hop fields covered by the hash chain (the subject of a hop — a department,
-- a handler, a level, a score — and the leader who approved it, R11/R15).

ALTER TABLE hotline.complaints
    ADD COLUMN transfer_count integer NOT NULL DEFAULT 0 CHECK (transfer_count >= 0),
    ADD COLUMN return_count   integer NOT NULL DEFAULT 0 CHECK (return_count >= 0),
    -- The hash of the last hop: removing hops from the end of a chain then shows too (audit verify).
    ADD COLUMN hop_head       bytea CHECK (hop_head IS NULL OR length(hop_head) = 32);

ALTER TABLE hotline.hops
    ADD COLUMN subject     text CHECK (length(subject) <= 200),
    ADD COLUMN approved_by text REFERENCES hotline.staff (login);

-- A deadline is created by a transition and met, extended or cancelled by later ones (SPEC §3).
ALTER TABLE hotline.deadlines
    ADD COLUMN urgent boolean NOT NULL DEFAULT false,
    ADD COLUMN cancelled_at timestamptz,
    ADD CONSTRAINT deadlines_cancelled CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL));
CREATE UNIQUE INDEX deadlines_one_pending_per_kind ON hotline.deadlines (complaint_id, kind) WHERE state = 'pending';

-- A complaint's effective escalation level reads its escalations (ComplaintQueries.effectiveLevelSQL).
CREATE INDEX escalations_complaint ON hotline.escalations (complaint_id);

-- The operator's desk in QA's figures (SPEC §12, issue 12): missed calls, the ones called back, repeat callers,
-- per department beside 008's figures and for the whole hotline.
--
--   missed_calls    calls offered in the period that nobody answered (outcome missed or abandoned), at the hour
--                   they were offered. A missed call has no first responder, so it is charged by its PBX queue:
--                   to the department whose code is the queue's name (a queue per department, named by its code);
--                   a call whose queue names no department (or that has none) counts for the whole hotline only.
--   called_back     of those, the calls with a call-back attempt whose outcome is `reached` (at any time: it counts
--                   at the missed call, so a period's figure rises while call-backs come in, as 008's feedback
--                   does). A `wrong_number` or `no_answer` attempt is not a call back.
--   repeat_callers  distinct caller numbers with more than one complaint received in the period (merged duplicates
--                   included: they were complaints the caller had to make), charged to the first responder's
--                   department as `received` is. The whole hotline's figure counts a number whose complaints went to
--                   two departments once, which neither department does: it is not the sum of the departments.
--
-- The first two are 004's hourly counters: two more columns, counted by triggers on the call register and on the
-- call-back attempts, keyed by the queue's name (the join with the departments at read time attributes them, so a
-- department added later with a queue's code gets that queue's history without a rebuild). A distinct count does
-- not add up over hours (hourly rows per number were tried: as many rows as complaints, no faster than the scan),
-- so repeat callers are kept as each complaint's place in its number's chain: with the times of the number's
-- previous two complaints, a number has two or more complaints in [a, b) exactly when one complaint c has its
-- previous one in [a, c) and the one before that before a, and that c is unique (the second in the period). So
-- a period counts rows whose previous complaint lies in it, from an index, whatever its edges: the work follows
-- the repeat complaints of the period, not all its complaints.
--
-- The call register's trigger runs once per ingest batch (one UPDATE folds the batch's calls): it compares the old
-- and new rows of the batch and counts only calls whose outcome, offer time or queue changed to or from a missed
-- one.

ALTER TABLE hotline.qa_counters
    ADD COLUMN missed_calls bigint NOT NULL DEFAULT 0,
    ADD COLUMN called_back bigint NOT NULL DEFAULT 0;

-- Each complaint with a number that has an earlier complaint of that number: in its first responder's department
-- (`department` its code) and in the whole hotline (`department` ''), with the times of the previous two (in the
-- order received, then by id). The first complaint of a number has no row.
CREATE TABLE hotline.qa_repeat_complaints (
    department   text NOT NULL,
    complaint_id bigint NOT NULL,
    caller_phone text NOT NULL,
    at           timestamptz NOT NULL,
    prev_at      timestamptz NOT NULL,
    prev2_at     timestamptz,
    PRIMARY KEY (department, complaint_id)
);
CREATE INDEX qa_repeat_complaints_prev ON hotline.qa_repeat_complaints (prev_at) INCLUDE (department, at, prev2_at);
CREATE INDEX qa_repeat_complaints_number ON hotline.qa_repeat_complaints (caller_phone);

-- 008's pivot with the new measures, in the column order of the table.
CREATE OR REPLACE FUNCTION hotline.qa_pivot(facts hotline.qa_fact[]) RETURNS SETOF hotline.qa_counters
LANGUAGE sql IMMUTABLE AS $$
    SELECT bucket, department,
        coalesce(sum(n) FILTER (WHERE measure = 'received'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'resolved_on_spot'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'transferred_out'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'transferred_in'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'replied'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'replied_late'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'transfer_overdue'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'reply_overdue'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'misroutes'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'escalations_qa'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'escalations_vp'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'escalations_gm'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'extensions'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'redos'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'satisfaction_sum'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'satisfaction_count'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'transferred_late'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'satisfied'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'first_answers'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'first_answers_with_feedback'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'missed_calls'), 0)::bigint,
        coalesce(sum(n) FILTER (WHERE measure = 'called_back'), 0)::bigint
    FROM unnest(facts)
    WHERE department IS NOT NULL
    GROUP BY bucket, department
$$;

-- 008's upsert with the new measures (still in key order).
CREATE OR REPLACE FUNCTION hotline.qa_count(facts hotline.qa_fact[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(facts), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO hotline.qa_counters AS q
    SELECT * FROM hotline.qa_pivot(facts) ORDER BY bucket, department
    ON CONFLICT (bucket, department) DO UPDATE SET
        received = q.received + EXCLUDED.received,
        resolved_on_spot = q.resolved_on_spot + EXCLUDED.resolved_on_spot,
        transferred_out = q.transferred_out + EXCLUDED.transferred_out,
        transferred_in = q.transferred_in + EXCLUDED.transferred_in,
        replied = q.replied + EXCLUDED.replied,
        replied_late = q.replied_late + EXCLUDED.replied_late,
        transfer_overdue = q.transfer_overdue + EXCLUDED.transfer_overdue,
        reply_overdue = q.reply_overdue + EXCLUDED.reply_overdue,
        misroutes = q.misroutes + EXCLUDED.misroutes,
        escalations_qa = q.escalations_qa + EXCLUDED.escalations_qa,
        escalations_vp = q.escalations_vp + EXCLUDED.escalations_vp,
        escalations_gm = q.escalations_gm + EXCLUDED.escalations_gm,
        extensions = q.extensions + EXCLUDED.extensions,
        redos = q.redos + EXCLUDED.redos,
        satisfaction_sum = q.satisfaction_sum + EXCLUDED.satisfaction_sum,
        satisfaction_count = q.satisfaction_count + EXCLUDED.satisfaction_count,
        transferred_late = q.transferred_late + EXCLUDED.transferred_late,
        satisfied = q.satisfied + EXCLUDED.satisfied,
        first_answers = q.first_answers + EXCLUDED.first_answers,
        first_answers_with_feedback = q.first_answers_with_feedback + EXCLUDED.first_answers_with_feedback,
        missed_calls = q.missed_calls + EXCLUDED.missed_calls,
        called_back = q.called_back + EXCLUDED.called_back;
END;
$$;

-- Writes the chains of these numbers again from the complaints (a few rows each). The numbers are locked first, in
-- a statement of their own, so that two transactions filing for one number take turns; the chains are then read in
-- the next statements, whose snapshot has what the other committed. A statement of many numbers (a bulk load)
-- locks the whole table instead of filling the lock table with one lock per number.
CREATE FUNCTION hotline.qa_rechain(numbers text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    distinct_numbers text[] := ARRAY(SELECT DISTINCT n FROM unnest(numbers) AS n WHERE n IS NOT NULL ORDER BY 1);
BEGIN
    IF cardinality(distinct_numbers) = 0 THEN
        RETURN;
    ELSIF cardinality(distinct_numbers) > 64 THEN
        LOCK TABLE hotline.qa_repeat_complaints IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        PERFORM pg_advisory_xact_lock(hashtextextended('hotline.qa_repeat:' || n, 0))
        FROM unnest(distinct_numbers) WITH ORDINALITY AS u(n, i) ORDER BY i;
    END IF;
    DELETE FROM hotline.qa_repeat_complaints r USING unnest(distinct_numbers) AS u(n) WHERE r.caller_phone = u.n;
    INSERT INTO hotline.qa_repeat_complaints (department, complaint_id, caller_phone, at, prev_at, prev2_at)
    SELECT * FROM hotline.qa_chains(distinct_numbers) AS r WHERE r.prev_at IS NOT NULL;
END;
$$;

-- The key a missed call counts under: its queue's name, '' for none (no department has that code).
CREATE FUNCTION hotline.qa_call_key(queue text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(queue, '')
$$;

-- The facts of [period_start, period_end) read from the tables: 008's, and the missed calls and their call-backs.
CREATE OR REPLACE FUNCTION hotline.qa_facts(period_start timestamptz, period_end timestamptz)
RETURNS SETOF hotline.qa_fact
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('hour', c.received_at, 'UTC'), c.first_responder_dept, 'received', 1::bigint
    FROM hotline.complaints c WHERE c.received_at >= period_start AND c.received_at < period_end
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), h.department, hotline.qa_hop_measure(h.action), 1
    FROM hotline.hops h
    WHERE h.at >= period_start AND h.at < period_end AND h.action IN ('resolved', 'transferred', 'extended', 'replied')
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), h.subject, 'transferred_in', 1
    FROM hotline.hops h WHERE h.at >= period_start AND h.at < period_end AND h.action IN ('transferred', 'rerouted')
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), h.department, 'replied_late', 1
    FROM hotline.deadlines dl
    JOIN hotline.hops h ON h.complaint_id = dl.complaint_id AND h.action = 'replied' AND h.department = dl.department
        AND h.at >= dl.breached_at AND h.at >= dl.started_at
    WHERE dl.kind = 'reply' AND dl.state = 'breached' AND dl.breached_at < period_end
      AND h.at >= period_start AND h.at < period_end
      AND NOT EXISTS (
          SELECT 1 FROM hotline.deadlines nx
          WHERE nx.complaint_id = dl.complaint_id AND nx.kind = 'reply' AND nx.department = dl.department
            AND nx.started_at <= h.at AND (nx.started_at, nx.id) > (dl.started_at, dl.id)
      )
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), h.department, 'transferred_late', 1
    FROM hotline.hops h
    JOIN hotline.deadlines dl ON dl.complaint_id = h.complaint_id AND dl.kind = 'transfer' AND dl.state = 'breached'
        AND dl.breached_at <= h.at
    WHERE h.at >= period_start AND h.at < period_end AND h.action = 'transferred'
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), c.receiving_dept, 'redos', 1
    FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
    WHERE h.at >= period_start AND h.at < period_end AND h.action = 'redo'
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), coalesce(c.receiving_dept, c.first_responder_dept), m.measure, m.n
    FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
    CROSS JOIN LATERAL (VALUES
        ('satisfaction_sum', c.satisfaction::bigint), ('satisfaction_count', 1),
        ('satisfied', (c.satisfaction >= 4)::int::bigint)
    ) AS m(measure, n)
    WHERE h.at >= period_start AND h.at < period_end AND h.action = 'feedback' AND c.satisfaction IS NOT NULL
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), h.department, m.measure, m.n
    FROM hotline.hops h
    CROSS JOIN LATERAL (VALUES
        ('first_answers', 1::bigint),
        ('first_answers_with_feedback', EXISTS (
            SELECT 1 FROM hotline.hops f
            WHERE f.complaint_id = h.complaint_id AND f.action = 'feedback' AND f.seq > h.seq
        )::int::bigint)
    ) AS m(measure, n)
    WHERE h.at >= period_start AND h.at < period_end AND h.action IN ('resolved', 'replied')
      AND NOT EXISTS (
          SELECT 1 FROM hotline.hops e
          WHERE e.complaint_id = h.complaint_id AND e.action IN ('resolved', 'replied') AND e.seq < h.seq
      )
    UNION ALL
    SELECT date_trunc('hour', e.at, 'UTC'), e.department, m.measure, 1
    FROM hotline.escalations e CROSS JOIN LATERAL unnest(hotline.qa_escalation_measures(e.kind, e.level)) AS m(measure)
    WHERE e.at >= period_start AND e.at < period_end
    UNION ALL
    -- Missed calls at the hour offered, and whether a call-back ever reached the caller.
    SELECT date_trunc('hour', c.offered_at, 'UTC'), hotline.qa_call_key(c.queue), m.measure, m.n
    FROM hotline.calls c
    CROSS JOIN LATERAL (VALUES
        ('missed_calls', 1::bigint),
        ('called_back', EXISTS (
            SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id AND a.outcome = 'reached'
        )::int::bigint)
    ) AS m(measure, n)
    WHERE c.offered_at >= period_start AND c.offered_at < period_end AND c.outcome IN ('missed', 'abandoned')
$$;

-- The chains of `numbers` from the complaints, per department and for the whole hotline ('').
CREATE FUNCTION hotline.qa_chains(numbers text[])
RETURNS TABLE (department text, complaint_id bigint, caller_phone text, at timestamptz, prev_at timestamptz,
    prev2_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT k.department, c.id, c.caller_phone, c.received_at,
        lag(c.received_at) OVER w, lag(c.received_at, 2) OVER w
    FROM hotline.complaints c
    CROSS JOIN LATERAL (VALUES (c.first_responder_dept), ('')) AS k(department)
    WHERE c.caller_phone IN (SELECT unnest(numbers))
    WINDOW w AS (PARTITION BY k.department, c.caller_phone ORDER BY c.received_at, c.id)
$$;

-- The call register: a call counts while it is missed or abandoned and has an offer time; a change of outcome, offer
-- time or queue takes the old row's counts off and puts the new row's on. The ingest locks a call's row before it
-- folds events into it, and a call-back attempt locks it too (below), so the attempts read here are final for it.
CREATE FUNCTION hotline.qa_count_calls() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(b.bucket, b.department, b.measure, b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', c.offered_at, 'UTC') AS bucket, hotline.qa_call_key(c.queue) AS department,
                    m.measure, sum(m.n)::bigint AS n
                FROM new_calls c
                CROSS JOIN LATERAL (VALUES
                    ('missed_calls', 1::bigint),
                    ('called_back', EXISTS (
                        SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id AND a.outcome = 'reached'
                    )::int::bigint)
                ) AS m(measure, n)
                WHERE c.outcome IN ('missed', 'abandoned') AND c.offered_at IS NOT NULL
                GROUP BY 1, 2, 3 HAVING sum(m.n) <> 0
            ) AS b
        ));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(b.bucket, b.department, b.measure, -b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', c.offered_at, 'UTC') AS bucket, hotline.qa_call_key(c.queue) AS department,
                    m.measure, sum(m.n)::bigint AS n
                FROM old_calls c
                CROSS JOIN LATERAL (VALUES
                    ('missed_calls', 1::bigint),
                    ('called_back', EXISTS (
                        SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id AND a.outcome = 'reached'
                    )::int::bigint)
                ) AS m(measure, n)
                WHERE c.outcome IN ('missed', 'abandoned') AND c.offered_at IS NOT NULL
                GROUP BY 1, 2, 3 HAVING sum(m.n) <> 0
            ) AS b
        ));
    ELSE
        PERFORM hotline.qa_count(ARRAY(
            WITH changed AS (
                SELECT o.call_id, o.outcome AS old_outcome, o.offered_at AS old_offered, o.queue AS old_queue,
                    n.outcome AS new_outcome, n.offered_at AS new_offered, n.queue AS new_queue
                FROM old_calls o JOIN new_calls n ON n.call_id = o.call_id
                WHERE (o.outcome IN ('missed', 'abandoned') OR n.outcome IN ('missed', 'abandoned'))
                  AND (o.outcome, o.offered_at, o.queue) IS DISTINCT FROM (n.outcome, n.offered_at, n.queue)
            ), versions AS (
                SELECT -1 AS sign, call_id, old_offered AS offered_at, old_queue AS queue FROM changed
                WHERE old_outcome IN ('missed', 'abandoned') AND old_offered IS NOT NULL
                UNION ALL
                SELECT 1, call_id, new_offered, new_queue FROM changed
                WHERE new_outcome IN ('missed', 'abandoned') AND new_offered IS NOT NULL
            )
            SELECT ROW(b.bucket, b.department, b.measure, b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', v.offered_at, 'UTC') AS bucket, hotline.qa_call_key(v.queue) AS department,
                    m.measure, sum(v.sign * m.n)::bigint AS n
                FROM versions v
                CROSS JOIN LATERAL (VALUES
                    ('missed_calls', 1::bigint),
                    ('called_back', EXISTS (
                        SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = v.call_id AND a.outcome = 'reached'
                    )::int::bigint)
                ) AS m(measure, n)
                GROUP BY 1, 2, 3 HAVING sum(v.sign * m.n) <> 0
            ) AS b
        ));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER calls_qa_count_insert AFTER INSERT ON hotline.calls
    REFERENCING NEW TABLE AS new_calls FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_calls();
CREATE TRIGGER calls_qa_count_update AFTER UPDATE ON hotline.calls
    REFERENCING OLD TABLE AS old_calls NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_calls();
CREATE TRIGGER calls_qa_count_delete AFTER DELETE ON hotline.calls
    REFERENCING OLD TABLE AS old_calls FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_calls();

-- Call-backs: a call counts as called back while it has a `reached` attempt. `changes` is, per call, how many
-- reached attempts the statement added (negative: removed). The calls are locked first, in one statement, so that
-- two writers of attempts on one call take turns and the ingest folding events into it waits (or is waited for);
-- the attempts are then counted in a second statement, whose snapshot includes what the other writer committed.
CREATE FUNCTION hotline.qa_count_reached(call_ids text[], changes bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(call_ids), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM hotline.calls c WHERE c.call_id = ANY(call_ids) ORDER BY c.call_id FOR NO KEY UPDATE OF c;
    PERFORM hotline.qa_count(ARRAY(
        SELECT ROW(b.bucket, b.department, 'called_back', b.n)::hotline.qa_fact
        FROM (
            -- Reached now, less reached before the statement.
            SELECT date_trunc('hour', c.offered_at, 'UTC') AS bucket, hotline.qa_call_key(c.queue) AS department,
                sum((r.now > 0)::int - (r.now - k.change > 0)::int)::bigint AS n
            FROM unnest(call_ids, changes) AS k(call_id, change)
            JOIN hotline.calls c ON c.call_id = k.call_id
            CROSS JOIN LATERAL (
                SELECT count(*) AS now FROM hotline.callback_attempts a
                WHERE a.call_id = k.call_id AND a.outcome = 'reached'
            ) AS r
            WHERE c.outcome IN ('missed', 'abandoned') AND c.offered_at IS NOT NULL
            GROUP BY 1, 2
            HAVING sum((r.now > 0)::int - (r.now - k.change > 0)::int) <> 0
        ) AS b
    ));
END;
$$;

CREATE FUNCTION hotline.qa_count_callbacks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
    changes bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(call_id ORDER BY call_id), array_agg(n ORDER BY call_id) INTO ids, changes
        FROM (SELECT call_id, count(*) AS n FROM new_attempts WHERE outcome = 'reached' GROUP BY call_id) AS s;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(call_id ORDER BY call_id), array_agg(n ORDER BY call_id) INTO ids, changes
        FROM (SELECT call_id, -count(*) AS n FROM old_attempts WHERE outcome = 'reached' GROUP BY call_id) AS s;
    ELSE
        SELECT array_agg(call_id ORDER BY call_id), array_agg(n ORDER BY call_id) INTO ids, changes
        FROM (
            SELECT call_id, sum(sign)::bigint AS n
            FROM (
                SELECT call_id, 1 AS sign FROM new_attempts WHERE outcome = 'reached'
                UNION ALL
                SELECT call_id, -1 FROM old_attempts WHERE outcome = 'reached'
            ) AS v
            GROUP BY call_id HAVING sum(sign) <> 0
        ) AS s;
    END IF;
    PERFORM hotline.qa_count_reached(ids, changes);
    RETURN NULL;
END;
$$;
CREATE TRIGGER callback_attempts_qa_count_insert AFTER INSERT ON hotline.callback_attempts
    REFERENCING NEW TABLE AS new_attempts FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_callbacks();
CREATE TRIGGER callback_attempts_qa_count_update AFTER UPDATE ON hotline.callback_attempts
    REFERENCING OLD TABLE AS old_attempts NEW TABLE AS new_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_callbacks();
CREATE TRIGGER callback_attempts_qa_count_delete AFTER DELETE ON hotline.callback_attempts
    REFERENCING OLD TABLE AS old_attempts FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_callbacks();

-- Complaints: a new or deleted complaint with a number, or a change of its number, reception or first responder's
-- department, writes that number's chains again (the old number's too).
CREATE FUNCTION hotline.qa_count_callers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hotline.qa_rechain(ARRAY(SELECT caller_phone FROM new_complaints WHERE caller_phone IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM hotline.qa_rechain(ARRAY(SELECT caller_phone FROM old_complaints WHERE caller_phone IS NOT NULL));
    ELSE
        PERFORM hotline.qa_rechain(ARRAY(
            SELECT v.caller_phone
            FROM old_complaints o JOIN new_complaints n ON n.id = o.id
            CROSS JOIN LATERAL (VALUES (o.caller_phone), (n.caller_phone)) AS v(caller_phone)
            WHERE (o.received_at, o.first_responder_dept, o.caller_phone)
                IS DISTINCT FROM (n.received_at, n.first_responder_dept, n.caller_phone)
              AND v.caller_phone IS NOT NULL
        ));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER complaints_qa_count_callers_insert AFTER INSERT ON hotline.complaints
    REFERENCING NEW TABLE AS new_complaints FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_callers();
CREATE TRIGGER complaints_qa_count_callers_update AFTER UPDATE ON hotline.complaints
    REFERENCING OLD TABLE AS old_complaints NEW TABLE AS new_complaints
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_callers();
CREATE TRIGGER complaints_qa_count_callers_delete AFTER DELETE ON hotline.complaints
    REFERENCING OLD TABLE AS old_complaints FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_callers();

-- 004's rebuild, over the call register and the call-backs too, and the repeat complaints with the counters. The
-- register is locked against the ingest meanwhile (its batches wait, spooled by hotlined if need be).
CREATE OR REPLACE FUNCTION hotline.qa_rebuild_counters() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    first_hour timestamptz;
    last_hour timestamptz;
    chunk timestamptz;
BEGIN
    LOCK TABLE hotline.complaints, hotline.hops, hotline.deadlines, hotline.escalations, hotline.calls,
        hotline.callback_attempts IN SHARE MODE;
    LOCK TABLE hotline.qa_counters, hotline.qa_repeat_complaints IN EXCLUSIVE MODE;
    DELETE FROM hotline.qa_counters;
    DELETE FROM hotline.qa_repeat_complaints;
    INSERT INTO hotline.qa_repeat_complaints (department, complaint_id, caller_phone, at, prev_at, prev2_at)
    SELECT * FROM (
        SELECT k.department, c.id, c.caller_phone, c.received_at,
            lag(c.received_at) OVER w AS prev_at, lag(c.received_at, 2) OVER w
        FROM hotline.complaints c
        CROSS JOIN LATERAL (VALUES (c.first_responder_dept), ('')) AS k(department)
        WHERE c.caller_phone IS NOT NULL
        WINDOW w AS (PARTITION BY k.department, c.caller_phone ORDER BY c.received_at, c.id)
    ) AS r
    WHERE r.prev_at IS NOT NULL;
    SELECT date_trunc('hour', min(t), 'UTC'), max(t) INTO first_hour, last_hour
    FROM (
        SELECT min(received_at) FROM hotline.complaints UNION ALL SELECT max(received_at) FROM hotline.complaints
        UNION ALL SELECT min(at) FROM hotline.hops UNION ALL SELECT max(at) FROM hotline.hops
        UNION ALL SELECT min(at) FROM hotline.escalations UNION ALL SELECT max(at) FROM hotline.escalations
        UNION ALL SELECT min(offered_at) FROM hotline.calls UNION ALL SELECT max(offered_at) FROM hotline.calls
    ) AS bounds(t)
    WHERE t IS NOT NULL AND isfinite(t);
    IF first_hour IS NULL THEN
        RETURN;
    END IF;
    chunk := first_hour;
    WHILE chunk <= last_hour LOOP
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(f.bucket, f.department, f.measure, sum(f.n))::hotline.qa_fact
            FROM hotline.qa_facts(chunk, chunk + interval '720 hours') AS f
            GROUP BY f.bucket, f.department, f.measure
        ));
        chunk := chunk + interval '720 hours';
    END LOOP;
END;
$$;

-- The figures gain columns: the view and both functions are made again with 008's columns first, unchanged, and the
-- desk's three after them.
DROP VIEW hotline.qa_department_stats;
DROP FUNCTION hotline.qa_department_stats(timestamptz, timestamptz);
DROP FUNCTION hotline.qa_department_stats_scan(timestamptz, timestamptz);

-- The reference the counters are held to: 008's scan, and the desk's figures read from the tables.
CREATE FUNCTION hotline.qa_department_stats_scan(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric,
    transfer_on_time_numerator bigint, transfer_on_time_denominator bigint, transfer_on_time_rate numeric,
    reply_on_time_numerator bigint, reply_on_time_denominator bigint, reply_on_time_rate numeric,
    satisfaction_numerator bigint, satisfaction_denominator bigint, satisfaction_rate numeric,
    feedback_numerator bigint, feedback_denominator bigint, feedback_rate numeric,
    missed_calls bigint, called_back bigint, repeat_callers bigint
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    WITH received AS (
        SELECT first_responder_dept AS code, count(*) AS n FROM hotline.complaints
        WHERE received_at >= period_start AND received_at < period_end GROUP BY 1
    ), signed AS (
        SELECT h.department AS code,
            count(*) FILTER (WHERE h.action = 'resolved') AS resolved,
            count(*) FILTER (WHERE h.action = 'transferred') AS transferred,
            count(*) FILTER (WHERE h.action = 'extended') AS extended,
            count(*) FILTER (WHERE h.action = 'replied') AS replied
        FROM hotline.hops h
        WHERE h.at >= period_start AND h.at < period_end
          AND h.action IN ('resolved', 'transferred', 'extended', 'replied')
        GROUP BY 1
    ), late AS (
        SELECT dl.department AS code, count(*) AS n
        FROM hotline.deadlines dl
        JOIN hotline.hops h ON h.complaint_id = dl.complaint_id AND h.action = 'replied'
            AND h.department = dl.department AND h.at >= dl.breached_at AND h.at >= dl.started_at
        WHERE dl.kind = 'reply' AND dl.state = 'breached' AND dl.breached_at < period_end
          AND h.at >= period_start AND h.at < period_end
          AND NOT EXISTS (
              SELECT 1 FROM hotline.deadlines nx
              WHERE nx.complaint_id = dl.complaint_id AND nx.kind = 'reply' AND nx.department = dl.department
                AND nx.started_at <= h.at AND (nx.started_at, nx.id) > (dl.started_at, dl.id)
          )
        GROUP BY 1
    ), late_transfers AS (
        SELECT h.department AS code, count(*) AS n
        FROM hotline.hops h
        JOIN hotline.deadlines dl ON dl.complaint_id = h.complaint_id AND dl.kind = 'transfer'
            AND dl.state = 'breached' AND dl.breached_at <= h.at
        WHERE h.at >= period_start AND h.at < period_end AND h.action = 'transferred'
        GROUP BY 1
    ), incoming AS (
        SELECT h.subject AS code, count(*) AS n FROM hotline.hops h
        WHERE h.at >= period_start AND h.at < period_end AND h.action IN ('transferred', 'rerouted') GROUP BY 1
    ), redone AS (
        SELECT c.receiving_dept AS code, count(*) AS n
        FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
        WHERE h.at >= period_start AND h.at < period_end AND h.action = 'redo' GROUP BY 1
    ), escalated AS (
        SELECT e.department AS code,
            count(*) FILTER (WHERE e.kind = 'transfer_overdue') AS transfer_overdue,
            count(*) FILTER (WHERE e.kind = 'reply_overdue' AND e.level = 'qa') AS reply_overdue,
            count(*) FILTER (WHERE e.kind = 'misroute') AS misroutes,
            count(*) FILTER (WHERE e.level = 'qa') AS qa,
            count(*) FILTER (WHERE e.level = 'vp') AS vp,
            count(*) FILTER (WHERE e.level = 'gm') AS gm
        FROM hotline.escalations e WHERE e.at >= period_start AND e.at < period_end GROUP BY 1
    ), satisfied AS (
        SELECT coalesce(c.receiving_dept, c.first_responder_dept) AS code, round(avg(c.satisfaction), 2) AS mean,
            count(*) FILTER (WHERE c.satisfaction >= 4) AS happy, count(*) AS scored
        FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
        WHERE h.at >= period_start AND h.at < period_end AND h.action = 'feedback' AND c.satisfaction IS NOT NULL
        GROUP BY 1
    ), answers AS (
        SELECT h.department AS code, count(*) AS n,
            count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM hotline.hops f
                WHERE f.complaint_id = h.complaint_id AND f.action = 'feedback' AND f.seq > h.seq
            )) AS followed
        FROM hotline.hops h
        WHERE h.at >= period_start AND h.at < period_end AND h.action IN ('resolved', 'replied')
          AND NOT EXISTS (
              SELECT 1 FROM hotline.hops e
              WHERE e.complaint_id = h.complaint_id AND e.action IN ('resolved', 'replied') AND e.seq < h.seq
          )
        GROUP BY 1
    ), missed AS (
        -- The queue named as the department's code.
        SELECT c.queue AS code, count(*) AS n,
            count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id AND a.outcome = 'reached'
            )) AS reached
        FROM hotline.calls c
        WHERE c.offered_at >= period_start AND c.offered_at < period_end AND c.outcome IN ('missed', 'abandoned')
        GROUP BY 1
    ), repeats AS (
        SELECT code, count(*) AS n
        FROM (
            SELECT first_responder_dept AS code, caller_phone FROM hotline.complaints
            WHERE received_at >= period_start AND received_at < period_end AND caller_phone IS NOT NULL
            GROUP BY 1, 2 HAVING count(*) > 1
        ) AS numbers
        GROUP BY 1
    ), figures AS (
        SELECT d.code,
            coalesce(r.n, 0) AS received, coalesce(s.resolved, 0) AS resolved, coalesce(s.transferred, 0) AS transferred,
            coalesce(i.n, 0) AS incoming, coalesce(s.replied, 0) AS replied, coalesce(l.n, 0) AS late,
            coalesce(lt.n, 0) AS late_transfers, coalesce(e.transfer_overdue, 0) AS transfer_overdue,
            coalesce(e.reply_overdue, 0) AS reply_overdue, coalesce(e.misroutes, 0) AS misroutes,
            coalesce(e.qa, 0) AS qa, coalesce(e.vp, 0) AS vp, coalesce(e.gm, 0) AS gm,
            coalesce(s.extended, 0) AS extended, coalesce(rd.n, 0) AS redos, f.mean,
            coalesce(f.happy, 0) AS happy, coalesce(f.scored, 0) AS scored,
            coalesce(a.n, 0) AS answers, coalesce(a.followed, 0) AS followed,
            coalesce(m.n, 0) AS missed, coalesce(m.reached, 0) AS reached, coalesce(rp.n, 0) AS repeats
        FROM hotline.departments d
        LEFT JOIN received r ON r.code = d.code
        LEFT JOIN signed s ON s.code = d.code
        LEFT JOIN late l ON l.code = d.code
        LEFT JOIN late_transfers lt ON lt.code = d.code
        LEFT JOIN incoming i ON i.code = d.code
        LEFT JOIN redone rd ON rd.code = d.code
        LEFT JOIN escalated e ON e.code = d.code
        LEFT JOIN satisfied f ON f.code = d.code
        LEFT JOIN answers a ON a.code = d.code
        LEFT JOIN missed m ON m.code = d.code
        LEFT JOIN repeats rp ON rp.code = d.code
    )
    SELECT code, received, resolved, transferred, incoming, replied - late, late, transfer_overdue, reply_overdue,
        misroutes, qa, vp, gm, extended, redos, mean,
        transferred - late_transfers, transferred, hotline.qa_rate(transferred - late_transfers, transferred),
        replied - late, replied, hotline.qa_rate(replied - late, replied),
        happy, scored, hotline.qa_rate(happy, scored),
        followed, answers, hotline.qa_rate(followed, answers),
        missed, reached, repeats
    FROM figures
    ORDER BY code
$$;

-- The whole hours of [period_start, period_end) the counters give; the rest is read from the tables.
CREATE FUNCTION hotline.qa_whole_hours(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (first_hour timestamptz, last_hour timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT first_hour, greatest(first_hour, date_trunc('hour', period_end, 'UTC'))
    FROM (
        SELECT CASE WHEN date_trunc('hour', period_start, 'UTC') = period_start THEN period_start
            ELSE date_trunc('hour', period_start, 'UTC') + interval '1 hour' END AS first_hour
    ) AS s
$$;

-- Numbers with two or more complaints in [period_start, period_end), per department and for the whole hotline
-- (''): the complaints whose previous one is in the period and the one before that is not.
CREATE FUNCTION hotline.qa_repeat_callers(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (department text, repeat_callers bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.department, count(*)
    FROM hotline.qa_repeat_complaints r
    WHERE r.prev_at >= period_start AND r.prev_at < period_end AND r.at < period_end
      AND (r.prev2_at IS NULL OR r.prev2_at < period_start)
    GROUP BY 1
$$;

-- From the counters, as 008 does, with the same columns as the scan.
CREATE FUNCTION hotline.qa_department_stats(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric,
    transfer_on_time_numerator bigint, transfer_on_time_denominator bigint, transfer_on_time_rate numeric,
    reply_on_time_numerator bigint, reply_on_time_denominator bigint, reply_on_time_rate numeric,
    satisfaction_numerator bigint, satisfaction_denominator bigint, satisfaction_rate numeric,
    feedback_numerator bigint, feedback_denominator bigint, feedback_rate numeric,
    missed_calls bigint, called_back bigint, repeat_callers bigint
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    WITH hours AS (
        SELECT * FROM hotline.qa_whole_hours(period_start, period_end)
    ), parts AS (
        SELECT q.* FROM hours JOIN hotline.qa_counters q ON q.bucket >= hours.first_hour AND q.bucket < hours.last_hour
        UNION ALL
        SELECT p.* FROM hours CROSS JOIN LATERAL hotline.qa_pivot(ARRAY(
            SELECT f FROM hotline.qa_facts(period_start, least(hours.first_hour, period_end)) AS f
            UNION ALL
            SELECT f FROM hotline.qa_facts(greatest(hours.last_hour, period_start), period_end) AS f
        )) AS p
    ), summed AS (
        SELECT p.department, sum(p.received) AS received, sum(p.resolved_on_spot) AS resolved_on_spot,
            sum(p.transferred_out) AS transferred_out, sum(p.transferred_in) AS transferred_in,
            sum(p.replied) AS replied, sum(p.replied_late) AS replied_late,
            sum(p.transfer_overdue) AS transfer_overdue, sum(p.reply_overdue) AS reply_overdue,
            sum(p.misroutes) AS misroutes, sum(p.escalations_qa) AS escalations_qa,
            sum(p.escalations_vp) AS escalations_vp, sum(p.escalations_gm) AS escalations_gm,
            sum(p.extensions) AS extensions, sum(p.redos) AS redos,
            sum(p.satisfaction_sum) AS satisfaction_sum, sum(p.satisfaction_count) AS satisfaction_count,
            sum(p.transferred_late) AS transferred_late, sum(p.satisfied) AS satisfied,
            sum(p.first_answers) AS first_answers, sum(p.first_answers_with_feedback) AS first_answers_with_feedback,
            sum(p.missed_calls) AS missed_calls, sum(p.called_back) AS called_back
        FROM parts p GROUP BY p.department
    ), repeats AS (
        SELECT r.department, r.repeat_callers AS n FROM hotline.qa_repeat_callers(period_start, period_end) AS r
    ), figures AS (
        SELECT d.code,
            coalesce(s.received, 0)::bigint AS received, coalesce(s.resolved_on_spot, 0)::bigint AS resolved,
            coalesce(s.transferred_out, 0)::bigint AS transferred, coalesce(s.transferred_in, 0)::bigint AS incoming,
            coalesce(s.replied, 0)::bigint AS replied, coalesce(s.replied_late, 0)::bigint AS late,
            coalesce(s.transferred_late, 0)::bigint AS late_transfers,
            coalesce(s.transfer_overdue, 0)::bigint AS transfer_overdue,
            coalesce(s.reply_overdue, 0)::bigint AS reply_overdue, coalesce(s.misroutes, 0)::bigint AS misroutes,
            coalesce(s.escalations_qa, 0)::bigint AS qa, coalesce(s.escalations_vp, 0)::bigint AS vp,
            coalesce(s.escalations_gm, 0)::bigint AS gm, coalesce(s.extensions, 0)::bigint AS extended,
            coalesce(s.redos, 0)::bigint AS redos,
            round(s.satisfaction_sum::numeric / nullif(s.satisfaction_count, 0), 2) AS mean,
            coalesce(s.satisfied, 0)::bigint AS happy, coalesce(s.satisfaction_count, 0)::bigint AS scored,
            coalesce(s.first_answers, 0)::bigint AS answers,
            coalesce(s.first_answers_with_feedback, 0)::bigint AS followed,
            coalesce(s.missed_calls, 0)::bigint AS missed, coalesce(s.called_back, 0)::bigint AS reached,
            coalesce(rp.n, 0)::bigint AS repeats
        FROM hotline.departments d
        LEFT JOIN summed s ON s.department = d.code
        LEFT JOIN repeats rp ON rp.department = d.code
    )
    SELECT code, received, resolved, transferred, incoming, replied - late, late, transfer_overdue, reply_overdue,
        misroutes, qa, vp, gm, extended, redos, mean,
        transferred - late_transfers, transferred, hotline.qa_rate(transferred - late_transfers, transferred),
        replied - late, replied, hotline.qa_rate(replied - late, replied),
        happy, scored, hotline.qa_rate(happy, scored),
        followed, answers, hotline.qa_rate(followed, answers),
        missed, reached, repeats
    FROM figures
    ORDER BY code
$$;

CREATE VIEW hotline.qa_department_stats AS
SELECT * FROM hotline.qa_department_stats('-infinity', 'infinity');

-- The desk's figures for the whole hotline: every queue's missed calls (those of no department's queue too), and
-- each number with more than one complaint anywhere, once.
CREATE FUNCTION hotline.qa_desk_totals(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (missed_calls bigint, called_back bigint, repeat_callers bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    WITH hours AS (
        SELECT * FROM hotline.qa_whole_hours(period_start, period_end)
    ), calls AS (
        SELECT coalesce(sum(q.missed_calls), 0) AS missed, coalesce(sum(q.called_back), 0) AS reached
        FROM hours JOIN hotline.qa_counters q ON q.bucket >= hours.first_hour AND q.bucket < hours.last_hour
        UNION ALL
        SELECT coalesce(sum(f.n) FILTER (WHERE f.measure = 'missed_calls'), 0),
            coalesce(sum(f.n) FILTER (WHERE f.measure = 'called_back'), 0)
        FROM hours CROSS JOIN LATERAL (
            SELECT * FROM hotline.qa_facts(period_start, least(hours.first_hour, period_end))
            UNION ALL
            SELECT * FROM hotline.qa_facts(greatest(hours.last_hour, period_start), period_end)
        ) AS f
    )
    SELECT (SELECT sum(missed) FROM calls)::bigint, (SELECT sum(reached) FROM calls)::bigint,
        coalesce((SELECT r.repeat_callers FROM hotline.qa_repeat_callers(period_start, period_end) AS r
                  WHERE r.department = ''), 0)::bigint
$$;

-- The reference for the whole hotline, from the tables alone.
CREATE FUNCTION hotline.qa_desk_totals_scan(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (missed_calls bigint, called_back bigint, repeat_callers bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    SELECT
        (SELECT count(*) FROM hotline.calls c
         WHERE c.offered_at >= period_start AND c.offered_at < period_end AND c.outcome IN ('missed', 'abandoned')),
        (SELECT count(*) FROM hotline.calls c
         WHERE c.offered_at >= period_start AND c.offered_at < period_end AND c.outcome IN ('missed', 'abandoned')
           AND EXISTS (
               SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id AND a.outcome = 'reached'
           )),
        (SELECT count(*) FROM (
            SELECT caller_phone FROM hotline.complaints
            WHERE received_at >= period_start AND received_at < period_end AND caller_phone IS NOT NULL
            GROUP BY 1 HAVING count(*) > 1
        ) AS numbers)
$$;

CREATE VIEW hotline.qa_desk_totals AS
SELECT * FROM hotline.qa_desk_totals('-infinity', 'infinity');

-- The new counts for the history already written.
SELECT hotline.qa_rebuild_counters();

-- hotline_qa reads the figures (the objects being new, 008's grants again) and the hotline's desk figures; where
-- the role does not exist yet, a DBA who creates it later runs this block too. The counters and helpers stay the
-- owner's.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_qa') THEN
        GRANT SELECT ON hotline.qa_department_stats, hotline.qa_desk_totals TO hotline_qa;
        GRANT EXECUTE ON FUNCTION hotline.qa_department_stats(timestamptz, timestamptz),
            hotline.qa_desk_totals(timestamptz, timestamptz) TO hotline_qa;
    END IF;
END
$$;
REVOKE ALL ON hotline.qa_repeat_complaints FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_department_stats(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_desk_totals(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_department_stats_scan(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_desk_totals_scan(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_rechain(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_chains(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_repeat_callers(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_count_reached(text[], bigint[]) FROM PUBLIC;

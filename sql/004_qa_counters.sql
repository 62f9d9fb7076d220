-- QA's per-department figures (R14) from counters: one row per hour and department, kept current by
-- statement-level triggers on the tables the figures come from. A quarter then sums about 2,200 hours × the
-- departments instead of scanning millions of hops (1.5 s at a million complaints, measured).
--
-- Every figure keeps the meaning it has in 003 (kept below as hotline.qa_department_stats_scan, the reference the
-- tests compare against). Some figures read the *current* state of another row — a redo and a satisfaction are
-- charged to the complaint's current receiving department, a reply is late if a reply deadline of its department
-- is breached at or before it — so the triggers also move counts when those rows change, not only on inserts.

-- An hour in UTC: whole-hour time zones (all of China) cut periods on these boundaries; other edges are read from
-- the tables.
CREATE TABLE hotline.qa_counters (
    bucket             timestamptz NOT NULL,
    -- Not a foreign key: transfers count against their subject as written; the figures join departments.
    department         text NOT NULL,
    received           bigint NOT NULL DEFAULT 0,
    resolved_on_spot   bigint NOT NULL DEFAULT 0,
    transferred_out    bigint NOT NULL DEFAULT 0,
    transferred_in     bigint NOT NULL DEFAULT 0,
    -- All replies; replied_in_time is replied - replied_late, as in 003.
    replied            bigint NOT NULL DEFAULT 0,
    replied_late       bigint NOT NULL DEFAULT 0,
    transfer_overdue   bigint NOT NULL DEFAULT 0,
    reply_overdue      bigint NOT NULL DEFAULT 0,
    misroutes          bigint NOT NULL DEFAULT 0,
    escalations_qa     bigint NOT NULL DEFAULT 0,
    escalations_vp     bigint NOT NULL DEFAULT 0,
    escalations_gm     bigint NOT NULL DEFAULT 0,
    extensions         bigint NOT NULL DEFAULT 0,
    redos              bigint NOT NULL DEFAULT 0,
    -- A mean cannot be added up; its sum and count can.
    satisfaction_sum   bigint NOT NULL DEFAULT 0,
    satisfaction_count bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, department)
);

-- One counted fact: `n` added to column `measure` of (bucket, department). Triggers and scans produce facts; one
-- function turns them into counter rows, so the column list lives in one place.
CREATE TYPE hotline.qa_fact AS (bucket timestamptz, department text, measure text, n bigint);

-- Which columns a hop counts in for its own department (transfers in, redos and satisfaction are handled apart).
CREATE FUNCTION hotline.qa_hop_measure(action text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE action
        WHEN 'resolved' THEN 'resolved_on_spot'
        WHEN 'transferred' THEN 'transferred_out'
        WHEN 'extended' THEN 'extensions'
        WHEN 'replied' THEN 'replied'
    END
$$;

-- Which columns an escalation counts in, for the department it is charged to.
CREATE FUNCTION hotline.qa_escalation_measures(kind text, level text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_remove(ARRAY[
        CASE kind
            WHEN 'transfer_overdue' THEN 'transfer_overdue'
            WHEN 'misroute' THEN 'misroutes'
            WHEN 'reply_overdue' THEN CASE WHEN level = 'qa' THEN 'reply_overdue' END
        END,
        'escalations_' || level
    ], NULL)
$$;

-- Facts as counter rows, one per (bucket, department).
CREATE FUNCTION hotline.qa_pivot(facts hotline.qa_fact[]) RETURNS SETOF hotline.qa_counters
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
        coalesce(sum(n) FILTER (WHERE measure = 'satisfaction_count'), 0)::bigint
    FROM unnest(facts)
    WHERE department IS NOT NULL
    GROUP BY bucket, department
$$;

-- Adds facts to the counters. In key order: writers that meet on the same rows (two scheduler workers inserting
-- escalations set-based, several control connections) lock them in one order and so cannot deadlock each other.
CREATE FUNCTION hotline.qa_count(facts hotline.qa_fact[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Most statements count nothing (a hop_head update, a warning); they skip the upsert.
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
        satisfaction_count = q.satisfaction_count + EXCLUDED.satisfaction_count;
END;
$$;

-- The facts of [period_start, period_end) read from the tables, with 003's meaning: the period's edges that are
-- not whole hours, and the rebuild.
CREATE FUNCTION hotline.qa_facts(period_start timestamptz, period_end timestamptz) RETURNS SETOF hotline.qa_fact
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
    -- One per breached reply deadline of the replying department at or before the reply, as 003 counts them.
    SELECT date_trunc('hour', h.at, 'UTC'), h.department, 'replied_late', 1
    FROM hotline.hops h
    JOIN hotline.deadlines dl ON dl.complaint_id = h.complaint_id AND dl.kind = 'reply' AND dl.state = 'breached'
        AND dl.department = h.department AND dl.breached_at <= h.at
    WHERE h.at >= period_start AND h.at < period_end AND h.action = 'replied'
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), c.receiving_dept, 'redos', 1
    FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
    WHERE h.at >= period_start AND h.at < period_end AND h.action = 'redo'
    UNION ALL
    SELECT date_trunc('hour', h.at, 'UTC'), coalesce(c.receiving_dept, c.first_responder_dept), m.measure, m.n
    FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
    CROSS JOIN LATERAL (VALUES ('satisfaction_sum', c.satisfaction::bigint), ('satisfaction_count', 1)) AS m(measure, n)
    WHERE h.at >= period_start AND h.at < period_end AND h.action = 'feedback' AND c.satisfaction IS NOT NULL
    UNION ALL
    SELECT date_trunc('hour', e.at, 'UTC'), e.department, m.measure, 1
    FROM hotline.escalations e CROSS JOIN LATERAL unnest(hotline.qa_escalation_measures(e.kind, e.level)) AS m(measure)
    WHERE e.at >= period_start AND e.at < period_end
$$;

-- Hops are append-only (001), so inserts are all there is.
CREATE FUNCTION hotline.qa_count_hops() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hotline.qa_count(ARRAY(
        WITH reply_deadlines AS MATERIALIZED (
            -- Locked: a scheduler breaching one of these right now is waited for and its outcome read, and one
            -- that comes later skips the row (SKIP LOCKED) until this reply has met it. Without the lock a reply
            -- and a breach committing together would each miss the other and the late reply would go uncounted.
            SELECT dl.complaint_id, dl.department, dl.state, dl.breached_at
            FROM hotline.deadlines dl
            WHERE dl.kind = 'reply'
              AND dl.complaint_id IN (SELECT complaint_id FROM new_hops WHERE action = 'replied')
            FOR SHARE OF dl
        ), facts AS (
            SELECT h.at, h.department, hotline.qa_hop_measure(h.action) AS measure, 1::bigint AS n
            FROM new_hops h WHERE h.action IN ('resolved', 'transferred', 'extended', 'replied')
            UNION ALL
            SELECT h.at, h.subject, 'transferred_in', 1 FROM new_hops h WHERE h.action IN ('transferred', 'rerouted')
            UNION ALL
            SELECT h.at, h.department, 'replied_late', 1
            FROM new_hops h
            JOIN reply_deadlines dl ON dl.complaint_id = h.complaint_id AND dl.state = 'breached'
                AND dl.department = h.department AND dl.breached_at <= h.at
            WHERE h.action = 'replied'
            UNION ALL
            SELECT h.at, c.receiving_dept, 'redos', 1
            FROM new_hops h JOIN hotline.complaints c ON c.id = h.complaint_id WHERE h.action = 'redo'
            UNION ALL
            SELECT h.at, coalesce(c.receiving_dept, c.first_responder_dept), m.measure, m.n
            FROM new_hops h JOIN hotline.complaints c ON c.id = h.complaint_id
            CROSS JOIN LATERAL (VALUES ('satisfaction_sum', c.satisfaction::bigint), ('satisfaction_count', 1))
                AS m(measure, n)
            WHERE h.action = 'feedback' AND c.satisfaction IS NOT NULL
        )
        SELECT ROW(b.bucket, b.department, b.measure, b.n)::hotline.qa_fact
        FROM (
            SELECT date_trunc('hour', at, 'UTC') AS bucket, department, measure, sum(n)::bigint AS n
            FROM facts WHERE department IS NOT NULL GROUP BY 1, 2, 3
        ) AS b
    ));
    RETURN NULL;
END;
$$;
CREATE TRIGGER hops_qa_count AFTER INSERT ON hotline.hops
    REFERENCING NEW TABLE AS new_hops FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_hops();

-- Complaints: `received` on insert; an update that changes what a figure reads (the receiving department, the
-- satisfaction, and for completeness the reception) takes the old row's counts off and puts the new row's on.
-- The workflow locks the complaint row for every change, so its hops cannot be added meanwhile.
CREATE FUNCTION hotline.qa_count_complaints() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new complaint has no hops yet (they reference it), so only `received`.
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', received_at, 'UTC'), first_responder_dept, 'received', count(*))::hotline.qa_fact
            FROM new_complaints GROUP BY date_trunc('hour', received_at, 'UTC'), first_responder_dept
        ));
    ELSIF TG_OP = 'DELETE' THEN
        -- Only a complaint without hops can be deleted (the hops reference it).
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', received_at, 'UTC'), first_responder_dept, 'received', -count(*))::hotline.qa_fact
            FROM old_complaints GROUP BY date_trunc('hour', received_at, 'UTC'), first_responder_dept
        ));
    ELSE
        PERFORM hotline.qa_count(ARRAY(
            WITH versions AS (
                SELECT -1 AS sign, o.id, o.received_at, o.first_responder_dept, o.receiving_dept, o.satisfaction
                FROM old_complaints o JOIN new_complaints n ON n.id = o.id
                WHERE (o.received_at, o.first_responder_dept, o.receiving_dept, o.satisfaction)
                    IS DISTINCT FROM (n.received_at, n.first_responder_dept, n.receiving_dept, n.satisfaction)
                UNION ALL
                SELECT 1, n.id, n.received_at, n.first_responder_dept, n.receiving_dept, n.satisfaction
                FROM old_complaints o JOIN new_complaints n ON n.id = o.id
                WHERE (o.received_at, o.first_responder_dept, o.receiving_dept, o.satisfaction)
                    IS DISTINCT FROM (n.received_at, n.first_responder_dept, n.receiving_dept, n.satisfaction)
            ), facts AS (
                SELECT v.received_at AS at, v.first_responder_dept AS department, 'received' AS measure,
                    v.sign::bigint AS n
                FROM versions v
                UNION ALL
                SELECT h.at, v.receiving_dept, 'redos', v.sign
                FROM versions v JOIN hotline.hops h ON h.complaint_id = v.id AND h.action = 'redo'
                UNION ALL
                SELECT h.at, coalesce(v.receiving_dept, v.first_responder_dept), m.measure, v.sign * m.n
                FROM versions v JOIN hotline.hops h ON h.complaint_id = v.id AND h.action = 'feedback'
                CROSS JOIN LATERAL (VALUES ('satisfaction_sum', v.satisfaction::bigint), ('satisfaction_count', 1))
                    AS m(measure, n)
                WHERE v.satisfaction IS NOT NULL
            )
            SELECT ROW(b.bucket, b.department, b.measure, b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', at, 'UTC') AS bucket, department, measure, sum(n)::bigint AS n
                FROM facts WHERE department IS NOT NULL GROUP BY 1, 2, 3 HAVING sum(n) <> 0
            ) AS b
        ));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER complaints_qa_count_insert AFTER INSERT ON hotline.complaints
    REFERENCING NEW TABLE AS new_complaints FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_complaints();
CREATE TRIGGER complaints_qa_count_update AFTER UPDATE ON hotline.complaints
    REFERENCING OLD TABLE AS old_complaints NEW TABLE AS new_complaints
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_complaints();
CREATE TRIGGER complaints_qa_count_delete AFTER DELETE ON hotline.complaints
    REFERENCING OLD TABLE AS old_complaints FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_complaints();

-- Deadlines: a reply deadline that is (or stops being) breached makes the replies of its department at or after
-- the breach late (or not). Usually the reply comes later and its hop counts it; this side covers the other
-- order (a bulk load, a clock set back). Only breached reply deadlines matter, so most updates (warnings, the
-- other kinds, extensions) produce nothing.
CREATE FUNCTION hotline.qa_count_deadlines() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', h.at, 'UTC'), d.department, 'replied_late', count(*))::hotline.qa_fact
            FROM new_deadlines d
            JOIN hotline.hops h ON h.complaint_id = d.complaint_id AND h.action = 'replied'
                AND h.department = d.department AND h.at >= d.breached_at
            WHERE d.kind = 'reply' AND d.state = 'breached'
            GROUP BY date_trunc('hour', h.at, 'UTC'), d.department
        ));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', h.at, 'UTC'), d.department, 'replied_late', -count(*))::hotline.qa_fact
            FROM old_deadlines d
            JOIN hotline.hops h ON h.complaint_id = d.complaint_id AND h.action = 'replied'
                AND h.department = d.department AND h.at >= d.breached_at
            WHERE d.kind = 'reply' AND d.state = 'breached'
            GROUP BY date_trunc('hour', h.at, 'UTC'), d.department
        ));
    ELSE
        PERFORM hotline.qa_count(ARRAY(
            WITH versions AS (
                SELECT -1 AS sign, o.complaint_id, o.department, o.breached_at
                FROM old_deadlines o WHERE o.kind = 'reply' AND o.state = 'breached'
                UNION ALL
                SELECT 1, n.complaint_id, n.department, n.breached_at
                FROM new_deadlines n WHERE n.kind = 'reply' AND n.state = 'breached'
            )
            SELECT ROW(b.bucket, b.department, 'replied_late', b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', h.at, 'UTC') AS bucket, v.department, sum(v.sign)::bigint AS n
                FROM versions v
                JOIN hotline.hops h ON h.complaint_id = v.complaint_id AND h.action = 'replied'
                    AND h.department = v.department AND h.at >= v.breached_at
                GROUP BY 1, 2 HAVING sum(v.sign) <> 0
            ) AS b
        ));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER deadlines_qa_count_insert AFTER INSERT ON hotline.deadlines
    REFERENCING NEW TABLE AS new_deadlines FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_deadlines();
CREATE TRIGGER deadlines_qa_count_update AFTER UPDATE ON hotline.deadlines
    REFERENCING OLD TABLE AS old_deadlines NEW TABLE AS new_deadlines
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_deadlines();
CREATE TRIGGER deadlines_qa_count_delete AFTER DELETE ON hotline.deadlines
    REFERENCING OLD TABLE AS old_deadlines FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_deadlines();

-- Escalations are only inserted by the daemon; an update or delete by hand is counted too.
CREATE FUNCTION hotline.qa_count_escalations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', e.at, 'UTC'), e.department, m.measure, count(*))::hotline.qa_fact
            FROM new_escalations e CROSS JOIN LATERAL unnest(hotline.qa_escalation_measures(e.kind, e.level)) AS m(measure)
            GROUP BY date_trunc('hour', e.at, 'UTC'), e.department, m.measure
        ));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', e.at, 'UTC'), e.department, m.measure, -count(*))::hotline.qa_fact
            FROM old_escalations e CROSS JOIN LATERAL unnest(hotline.qa_escalation_measures(e.kind, e.level)) AS m(measure)
            GROUP BY date_trunc('hour', e.at, 'UTC'), e.department, m.measure
        ));
    ELSE
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(b.bucket, b.department, b.measure, b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', v.at, 'UTC') AS bucket, v.department, m.measure, sum(v.sign)::bigint AS n
                FROM (
                    SELECT -1 AS sign, o.at, o.department, o.kind, o.level FROM old_escalations o
                    UNION ALL
                    SELECT 1, n.at, n.department, n.kind, n.level FROM new_escalations n
                ) AS v
                CROSS JOIN LATERAL unnest(hotline.qa_escalation_measures(v.kind, v.level)) AS m(measure)
                GROUP BY 1, 2, 3 HAVING sum(v.sign) <> 0
            ) AS b
        ));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER escalations_qa_count_insert AFTER INSERT ON hotline.escalations
    REFERENCING NEW TABLE AS new_escalations FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_escalations();
CREATE TRIGGER escalations_qa_count_update AFTER UPDATE ON hotline.escalations
    REFERENCING OLD TABLE AS old_escalations NEW TABLE AS new_escalations
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_escalations();
CREATE TRIGGER escalations_qa_count_delete AFTER DELETE ON hotline.escalations
    REFERENCING OLD TABLE AS old_escalations FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_escalations();

-- Recomputes the counters from the tables: the backfill below, and a repair after rows were written with the
-- triggers switched off. Writers wait meanwhile (SHARE locks), so none of their changes is lost or counted twice.
-- Thirty days at a time, so the facts passed along stay small whatever the size of the history.
CREATE FUNCTION hotline.qa_rebuild_counters() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    first_hour timestamptz;
    last_hour timestamptz;
    chunk timestamptz;
BEGIN
    LOCK TABLE hotline.complaints, hotline.hops, hotline.deadlines, hotline.escalations IN SHARE MODE;
    LOCK TABLE hotline.qa_counters IN EXCLUSIVE MODE;
    DELETE FROM hotline.qa_counters;
    SELECT date_trunc('hour', min(t), 'UTC'), max(t) INTO first_hour, last_hour
    FROM (
        SELECT min(received_at) FROM hotline.complaints UNION ALL SELECT max(received_at) FROM hotline.complaints
        UNION ALL SELECT min(at) FROM hotline.hops UNION ALL SELECT max(at) FROM hotline.hops
        UNION ALL SELECT min(at) FROM hotline.escalations UNION ALL SELECT max(at) FROM hotline.escalations
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

-- 003's function unchanged, under another name: the reference the tests (and the benchmark) hold the counters to.
CREATE FUNCTION hotline.qa_department_stats_scan(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric
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
            AND h.department = dl.department AND h.at >= dl.breached_at
        WHERE dl.kind = 'reply' AND dl.state = 'breached' AND dl.breached_at < period_end
          AND h.at >= period_start AND h.at < period_end
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
        SELECT coalesce(c.receiving_dept, c.first_responder_dept) AS code, round(avg(c.satisfaction), 2) AS mean
        FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
        WHERE h.at >= period_start AND h.at < period_end AND h.action = 'feedback' AND c.satisfaction IS NOT NULL
        GROUP BY 1
    )
    SELECT d.code,
        coalesce(r.n, 0), coalesce(s.resolved, 0), coalesce(s.transferred, 0), coalesce(i.n, 0),
        coalesce(s.replied, 0) - coalesce(l.n, 0), coalesce(l.n, 0), coalesce(e.transfer_overdue, 0),
        coalesce(e.reply_overdue, 0),
        coalesce(e.misroutes, 0), coalesce(e.qa, 0), coalesce(e.vp, 0), coalesce(e.gm, 0), coalesce(s.extended, 0),
        coalesce(rd.n, 0), f.mean
    FROM hotline.departments d
    LEFT JOIN received r ON r.code = d.code
    LEFT JOIN signed s ON s.code = d.code
    LEFT JOIN late l ON l.code = d.code
    LEFT JOIN incoming i ON i.code = d.code
    LEFT JOIN redone rd ON rd.code = d.code
    LEFT JOIN escalated e ON e.code = d.code
    LEFT JOIN satisfied f ON f.code = d.code
    ORDER BY d.code
$$;

-- Same signature, columns and grants as 003; the all-time view keeps reading it.
CREATE OR REPLACE FUNCTION hotline.qa_department_stats(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    WITH hours AS (
        -- [first_hour, last_hour): the whole hours inside the period, from the counters. What lies before
        -- first_hour or after last_hour is less than an hour and is read from the tables.
        SELECT first_hour, greatest(first_hour, date_trunc('hour', period_end, 'UTC')) AS last_hour
        FROM (
            SELECT CASE WHEN date_trunc('hour', period_start, 'UTC') = period_start THEN period_start
                ELSE date_trunc('hour', period_start, 'UTC') + interval '1 hour' END AS first_hour
        ) AS s
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
            sum(p.satisfaction_sum) AS satisfaction_sum, sum(p.satisfaction_count) AS satisfaction_count
        FROM parts p GROUP BY p.department
    )
    SELECT d.code,
        coalesce(s.received, 0)::bigint, coalesce(s.resolved_on_spot, 0)::bigint,
        coalesce(s.transferred_out, 0)::bigint, coalesce(s.transferred_in, 0)::bigint,
        coalesce(s.replied - s.replied_late, 0)::bigint, coalesce(s.replied_late, 0)::bigint,
        coalesce(s.transfer_overdue, 0)::bigint, coalesce(s.reply_overdue, 0)::bigint,
        coalesce(s.misroutes, 0)::bigint, coalesce(s.escalations_qa, 0)::bigint,
        coalesce(s.escalations_vp, 0)::bigint, coalesce(s.escalations_gm, 0)::bigint,
        coalesce(s.extensions, 0)::bigint, coalesce(s.redos, 0)::bigint,
        round(s.satisfaction_sum::numeric / nullif(s.satisfaction_count, 0), 2)
    FROM hotline.departments d
    LEFT JOIN summed s ON s.department = d.code
    ORDER BY d.code
$$;

SELECT hotline.qa_rebuild_counters();

-- hotline_qa reads the figures through the function, never the counters; the helpers are the owner's.
REVOKE ALL ON hotline.qa_counters FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_department_stats_scan(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_rebuild_counters() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_count(hotline.qa_fact[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_facts(timestamptz, timestamptz) FROM PUBLIC;

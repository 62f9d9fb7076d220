-- A late reply is counted once, against the reply deadline it answers (R14, R16).
--
-- 003 and 004 counted a reply late once per breached reply deadline of its department at or before it. After a
-- redo (R16: a low satisfaction sends the case back with a new reply deadline) a late first reply left its breached
-- deadline behind, and the redo's reply, though in time, matched it again; with several breached deadlines one
-- reply counted several times and replied_in_time went negative.
--
-- The rule now: a reply answers the most recent reply deadline of its complaint and department that started at or
-- before it (ties by id: the later row); it is late iff that deadline was breached at or before the reply. A
-- breached deadline is never met afterwards (001's CHECKs), a redo's new deadline starts at the redo, and the
-- scheduler stamps breached_at with the moment it fires, so the answered deadline is the one the reply met or
-- came after the breach of.
--
-- The scan, the hop and deadline triggers and the facts behind the edges and the rebuild are replaced with that
-- rule; signatures and grants stay (CREATE OR REPLACE keeps them), and the counters are rebuilt at the end.

-- The facts of [period_start, period_end), as in 004, with the late replies counted once each.
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
    -- From the (few) breached reply deadlines: the replies that answer them, once each.
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

-- Hops: as in 004, with a reply late only if the deadline it answers is breached at or before it.
CREATE OR REPLACE FUNCTION hotline.qa_count_hops() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hotline.qa_count(ARRAY(
        WITH reply_deadlines AS MATERIALIZED (
            -- Locked: a scheduler breaching one of these right now is waited for and its outcome read, and one
            -- that comes later skips the row (SKIP LOCKED) until this reply has met it. Without the lock a reply
            -- and a breach committing together would each miss the other and the late reply would go uncounted.
            -- All the reply deadlines of the complaint are locked, the one the reply answers among them.
            SELECT dl.id, dl.complaint_id, dl.department, dl.started_at, dl.state, dl.breached_at
            FROM hotline.deadlines dl
            WHERE dl.kind = 'reply'
              AND dl.complaint_id IN (SELECT complaint_id FROM new_hops WHERE action = 'replied')
            FOR SHARE OF dl
        ), answered AS (
            -- Each reply with the deadline it answers: the latest of its department started at or before it.
            SELECT DISTINCT ON (h.complaint_id, h.seq) h.at, h.department,
                dl.state = 'breached' AND dl.breached_at <= h.at AS late
            FROM new_hops h
            JOIN reply_deadlines dl ON dl.complaint_id = h.complaint_id AND dl.department = h.department
                AND dl.started_at <= h.at
            WHERE h.action = 'replied'
            ORDER BY h.complaint_id, h.seq, dl.started_at DESC, dl.id DESC
        ), facts AS (
            SELECT h.at, h.department, hotline.qa_hop_measure(h.action) AS measure, 1::bigint AS n
            FROM new_hops h WHERE h.action IN ('resolved', 'transferred', 'extended', 'replied')
            UNION ALL
            SELECT h.at, h.subject, 'transferred_in', 1 FROM new_hops h WHERE h.action IN ('transferred', 'rerouted')
            UNION ALL
            SELECT a.at, a.department, 'replied_late', 1 FROM answered a WHERE a.late
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

-- Deadlines: a reply deadline inserted, changed or deleted can change which replies are late: a breach (usually
-- the reply comes later and its hop counts it; this side covers the other order: a bulk load, a clock set back),
-- and now also a new deadline that later replies answer instead of an older breached one.
--
-- Run after the statement: the table holds the new state, and the old one is the table with the new versions taken
-- out and the old ones put back. Only the complaints and departments whose reply deadlines changed in what decides
-- lateness (whom and when they bind, whether and when they were breached) are read, and each of their replies
-- counts the difference between its lateness then and now. Statements that change nothing of that (warnings,
-- extensions, meeting, cancelling, the other kinds) read no hops. One query for the three operations, with the
-- transition table an operation lacks replaced by an empty set; EXECUTE plans it with the transition tables' real
-- sizes (a bulk load inserts millions of deadlines in one statement).
CREATE OR REPLACE FUNCTION hotline.qa_count_deadlines() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    nothing CONSTANT text := 'SELECT NULL::bigint AS id, NULL::bigint AS complaint_id, NULL::text AS department, '
        || 'NULL::timestamptz AS started_at, NULL::timestamptz AS breached_at WHERE false';
    old_versions text := nothing;
    new_versions text := nothing;
    facts hotline.qa_fact[];
    versions bigint := 0;
    nested_loops text := current_setting('enable_nestloop');
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT versions + count(*) INTO versions FROM old_deadlines;
        old_versions := 'SELECT id, complaint_id, department, started_at, breached_at FROM old_deadlines '
            || 'WHERE kind = ''reply''';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT versions + count(*) INTO versions FROM new_deadlines;
        new_versions := 'SELECT id, complaint_id, department, started_at, breached_at FROM new_deadlines '
            || 'WHERE kind = ''reply''';
    END IF;
    -- A statement of a few rows (the scheduler's breaches, a workflow step) is best served by index lookups; a
    -- bulk one by hash joins, which the planner's estimates of the intermediate sets would not choose by itself.
    IF versions > 1000 THEN
        PERFORM set_config('enable_nestloop', 'off', true);
    END IF;
    EXECUTE format($query$
        SELECT ARRAY(
            WITH old_versions AS MATERIALIZED (%1$s), new_versions AS MATERIALIZED (%2$s), changed AS (
                (SELECT * FROM old_versions EXCEPT ALL SELECT * FROM new_versions)
                UNION ALL
                (SELECT * FROM new_versions EXCEPT ALL SELECT * FROM old_versions)
            ), pairs AS MATERIALIZED (
                SELECT DISTINCT complaint_id, department FROM changed
            ), now_rows AS MATERIALIZED (
                SELECT dl.id, dl.complaint_id, dl.department, dl.started_at, dl.breached_at
                FROM hotline.deadlines dl
                JOIN pairs p ON p.complaint_id = dl.complaint_id AND p.department = dl.department
                WHERE dl.kind = 'reply'
            ), then_rows AS (
                SELECT n.* FROM now_rows n WHERE n.id NOT IN (SELECT v.id FROM new_versions v)
                UNION ALL
                SELECT o.* FROM old_versions o
                JOIN pairs p ON p.complaint_id = o.complaint_id AND p.department = o.department
            ), replies AS MATERIALIZED (
                SELECT h.complaint_id, h.seq, h.department, h.at
                FROM hotline.hops h
                JOIN pairs p ON p.complaint_id = h.complaint_id AND p.department = h.department
                WHERE h.action = 'replied'
            ), answered_now AS (
                SELECT DISTINCT ON (r.complaint_id, r.seq) r.at, r.department, d.breached_at <= r.at AS late
                FROM replies r
                JOIN now_rows d ON d.complaint_id = r.complaint_id AND d.department = r.department
                    AND d.started_at <= r.at
                ORDER BY r.complaint_id, r.seq, d.started_at DESC, d.id DESC
            ), answered_then AS (
                SELECT DISTINCT ON (r.complaint_id, r.seq) r.at, r.department, d.breached_at <= r.at AS late
                FROM replies r
                JOIN then_rows d ON d.complaint_id = r.complaint_id AND d.department = r.department
                    AND d.started_at <= r.at
                ORDER BY r.complaint_id, r.seq, d.started_at DESC, d.id DESC
            )
            SELECT ROW(b.bucket, b.department, 'replied_late', b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', v.at, 'UTC') AS bucket, v.department, sum(v.sign)::bigint AS n
                FROM (
                    SELECT a.at, a.department, 1 AS sign FROM answered_now a WHERE a.late
                    UNION ALL
                    SELECT a.at, a.department, -1 FROM answered_then a WHERE a.late
                ) AS v
                GROUP BY 1, 2 HAVING sum(v.sign) <> 0
            ) AS b
        )
    $query$, old_versions, new_versions) INTO facts;
    PERFORM set_config('enable_nestloop', nested_loops, true);
    PERFORM hotline.qa_count(facts);
    RETURN NULL;
END;
$$;

-- 004's scan, with the late replies counted once each; still the reference the counters are held to.
CREATE OR REPLACE FUNCTION hotline.qa_department_stats_scan(period_start timestamptz, period_end timestamptz)
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
        -- Replies whose answered deadline (the most recent reply deadline of the department started at or before
        -- the reply) was breached at or before them; starting from the (few) breached deadlines.
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

-- The counters kept so far counted the old way: recomputed from the tables (qa_facts above).
SELECT hotline.qa_rebuild_counters();

-- QA's rates beside its counts (issue 16): each rate with the numerator and denominator it is made of, so nobody has
-- to trust a percentage, and null where the denominator is zero (no case of the kind: not 0 %).
--
--   transfer_on_time   transfers signed by the department whose transfer deadline (R4, the hour from reception) was
--                      not breached at or before the transfer / all its transfers (transferred_out)
--   reply_on_time      replies in time / all its replies (replied_in_time + replied_late, as 006 counts them)
--   satisfaction       scores of 4 or 5 / all scores, charged as the mean is (the receiving department, else the
--                      first responder's)
--   feedback           cases answered (resolved on the spot, or first replied) by the department whose caller's
--                      satisfaction was recorded (R13) / all cases it answered; counted at the answer, so a period's
--                      figure rises while late feedback comes in
--   answer (calls)     answered / offered calls of the call register (R1), for the whole hotline and per queue
--
-- The department figures keep coming from the hourly counters of 004: four measures are added (transferred_late,
-- satisfied, first_answers, first_answers_with_feedback), the functions that list the columns are replaced, the
-- transfer deadlines get triggers of their own, and the scan that the counters are held to computes the same rates.
-- The calls are read from hotline.calls directly (by the offered_at index): counting them by trigger would put
-- work on every PBX event of the ingest path for a figure read a few times a month.

ALTER TABLE hotline.qa_counters
    -- Transfers signed after their complaint's transfer deadline was breached.
    ADD COLUMN transferred_late bigint NOT NULL DEFAULT 0,
    -- Satisfaction scores of 4 or more (satisfaction_count has all of them).
    ADD COLUMN satisfied bigint NOT NULL DEFAULT 0,
    -- The first answer of each complaint (its first `resolved` or `replied` hop), at that answer's hour and
    -- department; and the same answers once a feedback hop followed (a satisfaction is recorded once, R13).
    ADD COLUMN first_answers bigint NOT NULL DEFAULT 0,
    ADD COLUMN first_answers_with_feedback bigint NOT NULL DEFAULT 0;

-- A share with four decimals; null when there is nothing to share (a zero denominator).
CREATE FUNCTION hotline.qa_rate(numerator bigint, denominator bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT round(numerator::numeric / nullif(denominator, 0), 4)
$$;

-- 004's pivot with the new measures, in the column order of the table.
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
        coalesce(sum(n) FILTER (WHERE measure = 'first_answers_with_feedback'), 0)::bigint
    FROM unnest(facts)
    WHERE department IS NOT NULL
    GROUP BY bucket, department
$$;

-- 004's upsert with the new measures (still in key order, for the same reason).
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
        first_answers_with_feedback = q.first_answers_with_feedback + EXCLUDED.first_answers_with_feedback;
END;
$$;

-- The facts of [period_start, period_end) read from the tables: 006's, and the four new measures with the meaning
-- given at the top. The rebuild (004) and the period edges read them.
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
    -- A transfer after its complaint's transfer deadline was breached (one transfer deadline per complaint).
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
    -- First answers, and whether a feedback hop followed them (at any time: it counts at the answer).
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
$$;

-- Hops: 006's trigger, and the new measures of the new hops. Hops are append-only and a complaint's hops are written
-- under its row lock, so "the first answer" and "the first feedback" read from the table are final.
CREATE OR REPLACE FUNCTION hotline.qa_count_hops() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hotline.qa_count(ARRAY(
        WITH reply_deadlines AS MATERIALIZED (
            -- Locked: a scheduler breaching one of these right now is waited for and its outcome read, and one
            -- that comes later skips the row (SKIP LOCKED) until this reply has met it. Without the lock a reply
            -- and a breach committing together would each miss the other and the late reply would go uncounted.
            SELECT dl.id, dl.complaint_id, dl.department, dl.started_at, dl.state, dl.breached_at
            FROM hotline.deadlines dl
            WHERE dl.kind = 'reply'
              AND dl.complaint_id IN (SELECT complaint_id FROM new_hops WHERE action = 'replied')
            FOR SHARE OF dl
        ), transfer_deadlines AS MATERIALIZED (
            -- Locked for the same reason as the reply deadlines: a transfer and a breach of its hour at once.
            SELECT dl.complaint_id, dl.state, dl.breached_at
            FROM hotline.deadlines dl
            WHERE dl.kind = 'transfer'
              AND dl.complaint_id IN (SELECT complaint_id FROM new_hops WHERE action = 'transferred')
            FOR SHARE OF dl
        ), answered AS (
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
            SELECT h.at, h.department, 'transferred_late', 1
            FROM new_hops h
            JOIN transfer_deadlines dl ON dl.complaint_id = h.complaint_id AND dl.state = 'breached'
                AND dl.breached_at <= h.at
            WHERE h.action = 'transferred'
            UNION ALL
            SELECT h.at, c.receiving_dept, 'redos', 1
            FROM new_hops h JOIN hotline.complaints c ON c.id = h.complaint_id WHERE h.action = 'redo'
            UNION ALL
            SELECT h.at, coalesce(c.receiving_dept, c.first_responder_dept), m.measure, m.n
            FROM new_hops h JOIN hotline.complaints c ON c.id = h.complaint_id
            CROSS JOIN LATERAL (VALUES
                ('satisfaction_sum', c.satisfaction::bigint), ('satisfaction_count', 1),
                ('satisfied', (c.satisfaction >= 4)::int::bigint)
            ) AS m(measure, n)
            WHERE h.action = 'feedback' AND c.satisfaction IS NOT NULL
            UNION ALL
            SELECT h.at, h.department, 'first_answers', 1
            FROM new_hops h
            WHERE h.action IN ('resolved', 'replied')
              AND NOT EXISTS (
                  SELECT 1 FROM hotline.hops e
                  WHERE e.complaint_id = h.complaint_id AND e.action IN ('resolved', 'replied') AND e.seq < h.seq
              )
            UNION ALL
            -- The first feedback of a complaint counts at its first answer, whenever that was.
            SELECT a.at, a.department, 'first_answers_with_feedback', 1
            FROM new_hops f
            CROSS JOIN LATERAL (
                SELECT e.at, e.department FROM hotline.hops e
                WHERE e.complaint_id = f.complaint_id AND e.action IN ('resolved', 'replied') AND e.seq < f.seq
                ORDER BY e.seq LIMIT 1
            ) AS a
            WHERE f.action = 'feedback'
              AND NOT EXISTS (
                  SELECT 1 FROM hotline.hops g
                  WHERE g.complaint_id = f.complaint_id AND g.action = 'feedback' AND g.seq < f.seq
              )
        )
        SELECT ROW(b.bucket, b.department, b.measure, b.n)::hotline.qa_fact
        FROM (
            SELECT date_trunc('hour', at, 'UTC') AS bucket, department, measure, sum(n)::bigint AS n
            FROM facts WHERE department IS NOT NULL GROUP BY 1, 2, 3 HAVING sum(n) <> 0
        ) AS b
    ));
    RETURN NULL;
END;
$$;

-- Complaints: 004's trigger with `satisfied` moved with the satisfaction it depends on.
CREATE OR REPLACE FUNCTION hotline.qa_count_complaints() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', received_at, 'UTC'), first_responder_dept, 'received', count(*))::hotline.qa_fact
            FROM new_complaints GROUP BY date_trunc('hour', received_at, 'UTC'), first_responder_dept
        ));
    ELSIF TG_OP = 'DELETE' THEN
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
                CROSS JOIN LATERAL (VALUES
                    ('satisfaction_sum', v.satisfaction::bigint), ('satisfaction_count', 1),
                    ('satisfied', (v.satisfaction >= 4)::int::bigint)
                ) AS m(measure, n)
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

-- Transfer deadlines: one breached at or before a transfer makes it late. Usually the breach comes first and the
-- transfer hop counts it; this side covers the other order (a bulk load, a clock set back, a repair by hand), as
-- 004 does for replies. Only breached transfer deadlines of complaints with a transfer hop produce anything.
CREATE FUNCTION hotline.qa_count_transfer_deadlines() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', h.at, 'UTC'), h.department, 'transferred_late', count(*))::hotline.qa_fact
            FROM new_deadlines d
            JOIN hotline.hops h ON h.complaint_id = d.complaint_id AND h.action = 'transferred'
                AND h.at >= d.breached_at
            WHERE d.kind = 'transfer' AND d.state = 'breached' AND h.department IS NOT NULL
            GROUP BY date_trunc('hour', h.at, 'UTC'), h.department
        ));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(date_trunc('hour', h.at, 'UTC'), h.department, 'transferred_late', -count(*))::hotline.qa_fact
            FROM old_deadlines d
            JOIN hotline.hops h ON h.complaint_id = d.complaint_id AND h.action = 'transferred'
                AND h.at >= d.breached_at
            WHERE d.kind = 'transfer' AND d.state = 'breached' AND h.department IS NOT NULL
            GROUP BY date_trunc('hour', h.at, 'UTC'), h.department
        ));
    ELSE
        PERFORM hotline.qa_count(ARRAY(
            SELECT ROW(b.bucket, b.department, 'transferred_late', b.n)::hotline.qa_fact
            FROM (
                SELECT date_trunc('hour', h.at, 'UTC') AS bucket, h.department, sum(v.sign)::bigint AS n
                FROM (
                    SELECT -1 AS sign, o.complaint_id, o.breached_at
                    FROM old_deadlines o WHERE o.kind = 'transfer' AND o.state = 'breached'
                    UNION ALL
                    SELECT 1, n.complaint_id, n.breached_at
                    FROM new_deadlines n WHERE n.kind = 'transfer' AND n.state = 'breached'
                ) AS v
                JOIN hotline.hops h ON h.complaint_id = v.complaint_id AND h.action = 'transferred'
                    AND h.at >= v.breached_at
                WHERE h.department IS NOT NULL
                GROUP BY 1, 2 HAVING sum(v.sign) <> 0
            ) AS b
        ));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER deadlines_qa_count_transfer_insert AFTER INSERT ON hotline.deadlines
    REFERENCING NEW TABLE AS new_deadlines FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_transfer_deadlines();
CREATE TRIGGER deadlines_qa_count_transfer_update AFTER UPDATE ON hotline.deadlines
    REFERENCING OLD TABLE AS old_deadlines NEW TABLE AS new_deadlines
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_transfer_deadlines();
CREATE TRIGGER deadlines_qa_count_transfer_delete AFTER DELETE ON hotline.deadlines
    REFERENCING OLD TABLE AS old_deadlines FOR EACH STATEMENT EXECUTE FUNCTION hotline.qa_count_transfer_deadlines();

-- The figures gain columns, which CREATE OR REPLACE cannot do: the view and both functions are dropped and made
-- again with 006's columns first, unchanged, and the rates after them.
DROP VIEW hotline.qa_department_stats;
DROP FUNCTION hotline.qa_department_stats(timestamptz, timestamptz);
DROP FUNCTION hotline.qa_department_stats_scan(timestamptz, timestamptz);

-- The reference the counters are held to: 006's scan, with the new measures read from the tables.
CREATE FUNCTION hotline.qa_department_stats_scan(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric,
    transfer_on_time_numerator bigint, transfer_on_time_denominator bigint, transfer_on_time_rate numeric,
    reply_on_time_numerator bigint, reply_on_time_denominator bigint, reply_on_time_rate numeric,
    satisfaction_numerator bigint, satisfaction_denominator bigint, satisfaction_rate numeric,
    feedback_numerator bigint, feedback_denominator bigint, feedback_rate numeric
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
        -- Each complaint's first answer in the period, and whether a feedback hop ever followed it.
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
    ), figures AS (
        SELECT d.code,
            coalesce(r.n, 0) AS received, coalesce(s.resolved, 0) AS resolved, coalesce(s.transferred, 0) AS transferred,
            coalesce(i.n, 0) AS incoming, coalesce(s.replied, 0) AS replied, coalesce(l.n, 0) AS late,
            coalesce(lt.n, 0) AS late_transfers, coalesce(e.transfer_overdue, 0) AS transfer_overdue,
            coalesce(e.reply_overdue, 0) AS reply_overdue, coalesce(e.misroutes, 0) AS misroutes,
            coalesce(e.qa, 0) AS qa, coalesce(e.vp, 0) AS vp, coalesce(e.gm, 0) AS gm,
            coalesce(s.extended, 0) AS extended, coalesce(rd.n, 0) AS redos, f.mean,
            coalesce(f.happy, 0) AS happy, coalesce(f.scored, 0) AS scored,
            coalesce(a.n, 0) AS answers, coalesce(a.followed, 0) AS followed
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
    )
    SELECT code, received, resolved, transferred, incoming, replied - late, late, transfer_overdue, reply_overdue,
        misroutes, qa, vp, gm, extended, redos, mean,
        transferred - late_transfers, transferred, hotline.qa_rate(transferred - late_transfers, transferred),
        replied - late, replied, hotline.qa_rate(replied - late, replied),
        happy, scored, hotline.qa_rate(happy, scored),
        followed, answers, hotline.qa_rate(followed, answers)
    FROM figures
    ORDER BY code
$$;

-- From the counters, as 004 does, with the same columns as the scan.
CREATE FUNCTION hotline.qa_department_stats(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric,
    transfer_on_time_numerator bigint, transfer_on_time_denominator bigint, transfer_on_time_rate numeric,
    reply_on_time_numerator bigint, reply_on_time_denominator bigint, reply_on_time_rate numeric,
    satisfaction_numerator bigint, satisfaction_denominator bigint, satisfaction_rate numeric,
    feedback_numerator bigint, feedback_denominator bigint, feedback_rate numeric
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    WITH hours AS (
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
            sum(p.satisfaction_sum) AS satisfaction_sum, sum(p.satisfaction_count) AS satisfaction_count,
            sum(p.transferred_late) AS transferred_late, sum(p.satisfied) AS satisfied,
            sum(p.first_answers) AS first_answers, sum(p.first_answers_with_feedback) AS first_answers_with_feedback
        FROM parts p GROUP BY p.department
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
            coalesce(s.first_answers_with_feedback, 0)::bigint AS followed
        FROM hotline.departments d
        LEFT JOIN summed s ON s.department = d.code
    )
    SELECT code, received, resolved, transferred, incoming, replied - late, late, transfer_overdue, reply_overdue,
        misroutes, qa, vp, gm, extended, redos, mean,
        transferred - late_transfers, transferred, hotline.qa_rate(transferred - late_transfers, transferred),
        replied - late, replied, hotline.qa_rate(replied - late, replied),
        happy, scored, hotline.qa_rate(happy, scored),
        followed, answers, hotline.qa_rate(followed, answers)
    FROM figures
    ORDER BY code
$$;

CREATE VIEW hotline.qa_department_stats AS
SELECT * FROM hotline.qa_department_stats('-infinity', 'infinity');

-- The call register's answer rate: calls offered in [period_start, period_end) and answered, for the whole hotline
-- (whole_hotline, queue null) and per queue (a call without a queue under queue null). Calls still in progress are
-- left out: a call ringing now is neither answered nor lost yet.
CREATE FUNCTION hotline.qa_call_answers(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (queue text, whole_hotline boolean, offered bigint, answered bigint, answer_rate numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    SELECT c.queue, grouping(c.queue) = 1, count(*), count(*) FILTER (WHERE c.outcome = 'answered'),
        hotline.qa_rate(count(*) FILTER (WHERE c.outcome = 'answered'), count(*))
    FROM hotline.calls c
    WHERE c.offered_at >= period_start AND c.offered_at < period_end AND c.outcome <> 'in_progress'
    GROUP BY GROUPING SETS ((), (c.queue))
    ORDER BY 2 DESC, 1 NULLS LAST
$$;

CREATE VIEW hotline.qa_call_answers AS
SELECT * FROM hotline.qa_call_answers('-infinity', 'infinity');

-- The new measures for the history already written.
SELECT hotline.qa_rebuild_counters();

-- hotline_qa reads the figures (003's grants again, the objects being new) and the call figures; where the role
-- does not exist yet, a DBA who creates it later runs this block too.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_qa') THEN
        GRANT SELECT ON hotline.qa_department_stats, hotline.qa_call_answers TO hotline_qa;
        GRANT EXECUTE ON FUNCTION hotline.qa_department_stats(timestamptz, timestamptz),
            hotline.qa_call_answers(timestamptz, timestamptz) TO hotline_qa;
    END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION hotline.qa_department_stats(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_call_answers(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_department_stats_scan(timestamptz, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hotline.qa_count_transfer_deadlines() FROM PUBLIC;

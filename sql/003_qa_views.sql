-- QA's read side (R8, R14): escalation lists and per-department assessment figures, as views and a function that
-- BI tools read through the read-only role hotline_qa. Caller numbers are masked there (138****5678).

CREATE FUNCTION hotline.mask_phone(phone text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN phone IS NULL THEN NULL
        WHEN length(phone) >= 8 THEN left(phone, 3) || repeat('*', length(phone) - 7) || right(phone, 4)
        ELSE left(phone, 1) || repeat('*', greatest(length(phone) - 2, 0)) || right(phone, 1)
    END
$$;

CREATE VIEW hotline.qa_escalations AS
SELECT e.complaint_id AS complaint, e.kind, e.level, e.department, e.at, e.by_login AS by, e.reason,
       c.first_responder, c.first_responder_dept, c.caller_name, hotline.mask_phone(c.caller_phone) AS caller_phone
FROM hotline.escalations e
JOIN hotline.complaints c ON c.id = e.complaint_id;

-- Per-department figures for [period_start, period_end). SECURITY DEFINER: hotline_qa reads the figures without
-- reading the tables they come from. Each part is one grouped pass over the period's rows (found by the `at`
-- indexes), so a quarter of a large centre stays fast.
CREATE FUNCTION hotline.qa_department_stats(period_start timestamptz, period_end timestamptz)
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
        -- Replies given after their reply deadline was breached; starting from the (few) breached deadlines.
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

-- The figures read hops by time and action; this index answers them without touching the table.
CREATE INDEX hops_qa ON hotline.hops (at) INCLUDE (action, department, subject, complaint_id);
CREATE INDEX deadlines_breached_reply ON hotline.deadlines (breached_at) WHERE kind = 'reply' AND state = 'breached';

-- All time; a period is a call of the function.
CREATE VIEW hotline.qa_department_stats AS
SELECT * FROM hotline.qa_department_stats('-infinity', 'infinity');

-- The read-only role for QA analysts and BI tools: the views and the function, nothing else. Creating a role
-- needs CREATEROLE; where the daemon's user lacks it, a DBA runs these lines (README, "QA access").
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_qa') THEN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
            CREATE ROLE hotline_qa NOLOGIN;
        ELSE
            RAISE NOTICE 'role hotline_qa not created: % may not create roles', current_user;
            RETURN;
        END IF;
    END IF;
    GRANT USAGE ON SCHEMA hotline TO hotline_qa;
    GRANT SELECT ON hotline.qa_escalations, hotline.qa_department_stats TO hotline_qa;
    GRANT EXECUTE ON FUNCTION hotline.qa_department_stats(timestamptz, timestamptz) TO hotline_qa;
END
$$;
REVOKE EXECUTE ON FUNCTION hotline.qa_department_stats(timestamptz, timestamptz) FROM PUBLIC;

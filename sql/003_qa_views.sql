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
-- reading the tables they come from.
CREATE FUNCTION hotline.qa_department_stats(period_start timestamptz, period_end timestamptz)
RETURNS TABLE (
    department text, received bigint, resolved_on_spot bigint, transferred_out bigint, transferred_in bigint,
    replied_in_time bigint, replied_late bigint, transfer_overdue bigint, reply_overdue bigint, misroutes bigint,
    escalations_qa bigint, escalations_vp bigint, escalations_gm bigint, extensions bigint, redos bigint,
    satisfaction_mean numeric
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hotline, pg_temp AS $$
    WITH hop AS (
        SELECT h.*, c.receiving_dept, c.first_responder_dept
        FROM hotline.hops h JOIN hotline.complaints c ON c.id = h.complaint_id
        WHERE h.at >= period_start AND h.at < period_end
    ), esc AS (
        SELECT * FROM hotline.escalations WHERE at >= period_start AND at < period_end
    )
    SELECT d.code,
        (SELECT count(*) FROM hotline.complaints c
            WHERE c.first_responder_dept = d.code AND c.received_at >= period_start AND c.received_at < period_end),
        (SELECT count(*) FROM hop WHERE hop.action = 'resolved' AND hop.department = d.code),
        (SELECT count(*) FROM hop WHERE hop.action = 'transferred' AND hop.department = d.code),
        (SELECT count(*) FROM hop WHERE hop.action IN ('transferred', 'rerouted') AND hop.subject = d.code),
        (SELECT count(*) FROM hop WHERE hop.action = 'replied' AND hop.department = d.code
            AND NOT EXISTS (SELECT 1 FROM hotline.deadlines dl WHERE dl.complaint_id = hop.complaint_id
                AND dl.kind = 'reply' AND dl.department = d.code AND dl.state = 'breached' AND dl.breached_at <= hop.at)),
        (SELECT count(*) FROM hop WHERE hop.action = 'replied' AND hop.department = d.code
            AND EXISTS (SELECT 1 FROM hotline.deadlines dl WHERE dl.complaint_id = hop.complaint_id
                AND dl.kind = 'reply' AND dl.department = d.code AND dl.state = 'breached' AND dl.breached_at <= hop.at)),
        (SELECT count(*) FROM esc WHERE esc.kind = 'transfer_overdue' AND esc.department = d.code),
        (SELECT count(*) FROM esc WHERE esc.kind = 'reply_overdue' AND esc.level = 'qa' AND esc.department = d.code),
        (SELECT count(*) FROM esc WHERE esc.kind = 'misroute' AND esc.department = d.code),
        (SELECT count(*) FROM esc WHERE esc.level = 'qa' AND esc.department = d.code),
        (SELECT count(*) FROM esc WHERE esc.level = 'vp' AND esc.department = d.code),
        (SELECT count(*) FROM esc WHERE esc.level = 'gm' AND esc.department = d.code),
        (SELECT count(*) FROM hop WHERE hop.action = 'extended' AND hop.department = d.code),
        (SELECT count(*) FROM hop WHERE hop.action = 'redo' AND hop.receiving_dept = d.code),
        (SELECT round(avg(c.satisfaction), 2) FROM hotline.complaints c
            WHERE c.satisfaction IS NOT NULL AND coalesce(c.receiving_dept, c.first_responder_dept) = d.code
              AND EXISTS (SELECT 1 FROM hop WHERE hop.complaint_id = c.id AND hop.action = 'feedback'))
    FROM hotline.departments d
    ORDER BY d.code
$$;

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

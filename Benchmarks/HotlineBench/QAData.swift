/// The QA data generator: a year of a large centre's complaints, in SQL so that millions of rows load in
/// minutes. Ten departments; each complaint is filed, transferred, replied and given feedback; one in twenty
/// replies is late (an escalation to QA), one in fifty transfers is returned (a misroute). The QA counters
/// (sql/004) are kept by their triggers during the load, as in production, only with bigger statements.
enum QAData {
    static func script(complaints: Int) -> String {
        """
        INSERT INTO hotline.departments (code, name, is_coordination)
            SELECT 'D' || n, '部门' || n, n = 0 FROM generate_series(0, 9) AS n;
        INSERT INTO hotline.staff (login, name, department, roles)
            SELECT 's' || n, '员工' || n, 'D' || n, '{operator,handler}' FROM generate_series(0, 9) AS n;
        INSERT INTO hotline.complaints (state, caller_name, caller_phone, matter, first_responder, first_responder_dept,
                responsible, receiving_dept, handler, received_at, satisfaction)
            SELECT 'replied', '来电人', '138' || lpad((n % 100000000)::text, 8, '0'), '事项 ' || n, 's' || (n % 10),
                   'D' || (n % 10), 's' || (n % 10), 'D' || ((n + 1) % 10), 's' || ((n + 1) % 10),
                   timestamptz '2026-01-01 00:00+08' + n * (interval '1 year' / \(complaints)), 1 + n % 5
            FROM generate_series(1, \(complaints)) AS n;
        INSERT INTO hotline.hops (complaint_id, seq, action, by_login, department, subject, text, at, prev_hash, hash)
            SELECT c.id, s.seq, s.action,
                   CASE WHEN s.seq IN (1, 2, 4) THEN c.first_responder ELSE c.handler END,
                   CASE WHEN s.seq IN (1, 2, 4) THEN c.first_responder_dept ELSE c.receiving_dept END,
                   CASE WHEN s.seq = 2 THEN c.receiving_dept END, '',
                   c.received_at + s.seq * interval '10 minutes',
                   CASE WHEN s.seq > 1 THEN sha256(int8send(c.id)) END, sha256(int8send(c.id * 10 + s.seq))
            FROM hotline.complaints c
            CROSS JOIN (VALUES (1, 'filed'), (2, 'transferred'), (3, 'replied'), (4, 'feedback')) AS s(seq, action);
        INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, state, met_at, breached_at)
            SELECT id, 'reply', receiving_dept, received_at, received_at + interval '1 day',
                   CASE WHEN id % 20 = 0 THEN 'breached' ELSE 'met' END,
                   CASE WHEN id % 20 = 0 THEN NULL ELSE received_at + interval '30 minutes' END,
                   CASE WHEN id % 20 = 0 THEN received_at + interval '1 day' END
            FROM hotline.complaints;
        INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, reason, deadline_id)
            SELECT complaint_id, 'reply_overdue', 'qa', department, breached_at, 'R6', id
            FROM hotline.deadlines WHERE state = 'breached';
        INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, by_login, reason)
            SELECT id, 'misroute', NULL, first_responder_dept, received_at + interval '20 minutes', NULL, 'R7'
            FROM hotline.complaints WHERE id % 50 = 0;
        ANALYZE;
        """
    }
}

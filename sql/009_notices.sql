-- Notices (SPEC §10): the people who must act are told. Every notice is inserted in the same transaction as the
-- change that causes it (an outbox), so a rolled-back transition leaves none and a committed one always has its
-- own. hotlined writes notices and recipients; people read them with `hotlinectl inbox`, each recording their
-- own read receipt; hotline-notifier (a separate program, its own role below) carries them beyond the terminal
-- and records each delivery.

-- Roles vp (deputy general manager, 副总经理) and gm (general manager, 总经理) join the directory's roles.
ALTER TABLE hotline.staff DROP CONSTRAINT staff_roles_check;
ALTER TABLE hotline.staff ADD CONSTRAINT staff_roles_check
    CHECK (cardinality(roles) >= 1
        AND roles <@ ARRAY['operator', 'handler', 'supervisor', 'qa', 'admin', 'vp', 'gm']);

CREATE TABLE hotline.notices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    -- What it is about, stable for routes and scripts (transferred, deadline_breach, urgent_unread, …).
    topic        text NOT NULL CHECK (topic ~ '^[a-z_]{1,40}$'),
    complaint_id bigint REFERENCES hotline.complaints (id),
    deadline_id  bigint REFERENCES hotline.deadlines (id),
    text_zh      text NOT NULL CHECK (length(text_zh) BETWEEN 1 AND 4000),
    text_en      text NOT NULL CHECK (length(text_en) BETWEEN 1 AND 4000),
    -- R12: an urgent filing's notice; unread after [policy] urgent_read_within it is sent to the gms too, once:
    -- escalated_at is set, under the row's lock, in the transaction that writes that second notice.
    urgent       boolean NOT NULL DEFAULT false,
    escalated_at timestamptz,
    -- The urgent notice a follow-up to the gms is about.
    follows      bigint REFERENCES hotline.notices (id)
);
CREATE INDEX notices_complaint ON hotline.notices (complaint_id);
CREATE INDEX notices_urgent_open ON hotline.notices (at) WHERE urgent AND escalated_at IS NULL;

-- To whom: a staff member (login), a department (its members) or a role (everyone who holds it). A leader on
-- duty is resolved to a login when the notice is written.
CREATE TABLE hotline.notice_recipients (
    notice_id bigint NOT NULL REFERENCES hotline.notices (id),
    kind      text NOT NULL CHECK (kind IN ('staff', 'department', 'role')),
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    PRIMARY KEY (notice_id, kind, name)
);
CREATE INDEX notice_recipients_by_name ON hotline.notice_recipients (kind, name, notice_id);

-- Read receipts are per person: one staff member reading a department's notice reads it for nobody else.
CREATE TABLE hotline.notice_reads (
    notice_id bigint NOT NULL REFERENCES hotline.notices (id),
    login     text NOT NULL REFERENCES hotline.staff (login),
    read_at   timestamptz NOT NULL,
    PRIMARY KEY (notice_id, login)
);

-- Deliveries beyond the terminal, one per notice and notifier route, written by hotline-notifier: claimed with
-- FOR UPDATE SKIP LOCKED so several notifiers deliver each once, retried with backoff until give_up_after.
CREATE TABLE hotline.notice_deliveries (
    notice_id       bigint NOT NULL REFERENCES hotline.notices (id),
    route           text NOT NULL CHECK (length(route) BETWEEN 1 AND 100),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text CHECK (length(last_error) <= 2000),
    delivered_at    timestamptz,
    failed_at       timestamptz,
    -- Set by `hotlinectl notices retry`: give_up_after counts again from here rather than from the notice.
    retried_at      timestamptz,
    PRIMARY KEY (notice_id, route),
    CHECK ((state = 'delivered') = (delivered_at IS NOT NULL)),
    CHECK ((state = 'failed') = (failed_at IS NOT NULL))
);
CREATE INDEX notice_deliveries_due ON hotline.notice_deliveries (next_attempt_at) WHERE state = 'pending';

-- The duty roster (值班表): who is the leader on duty when. Shifts may overlap; the leader must hold supervisor
-- or vp when the shift is set (checked by hotlined, which names the rule).
CREATE TABLE hotline.duty_shifts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login     text NOT NULL REFERENCES hotline.staff (login),
    starts_at timestamptz NOT NULL,
    ends_at   timestamptz NOT NULL,
    set_by    text NOT NULL CHECK (length(set_by) BETWEEN 1 AND 200),
    set_at    timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX duty_shifts_at ON hotline.duty_shifts (starts_at, ends_at);

-- hotline-notifier's own role: it reads notices and their recipients (and the directory, to address people) and
-- writes delivery records, nothing else. As with hotline_qa, creating it needs CREATEROLE; where the daemon's user
-- lacks it, a DBA runs this block.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hotline_notifier') THEN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
            CREATE ROLE hotline_notifier NOLOGIN;
        ELSE
            RAISE NOTICE 'role hotline_notifier not created: % may not create roles', current_user;
            RETURN;
        END IF;
    END IF;
    GRANT USAGE ON SCHEMA hotline TO hotline_notifier;
    GRANT SELECT ON hotline.notices, hotline.notice_recipients, hotline.staff, hotline.departments
        TO hotline_notifier;
    GRANT SELECT, INSERT, UPDATE ON hotline.notice_deliveries TO hotline_notifier;
END
$$;

-- Hotline core schema: who works here, what the PBX said, the call register, complaints and their signed hops,
-- deadlines, escalations and the work calendar's date overrides.
-- Applied once by `hotlined migrate` (or at daemon start) inside a transaction; never edit an applied migration:
-- add a new numbered file instead.

CREATE TABLE hotline.departments (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    head_login      text,
    -- The coordination office re-routes returned cases (R7); there is at most one.
    is_coordination boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departments_one_coordination ON hotline.departments (is_coordination) WHERE is_coordination;

CREATE TABLE hotline.staff (
    login      text PRIMARY KEY CHECK (login ~ '^[a-z_][a-z0-9_.-]{0,31}$'),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    department text NOT NULL REFERENCES hotline.departments (code),
    -- Higher rank wins when several staff answer at the same moment (R2).
    rank       integer NOT NULL DEFAULT 0 CHECK (rank BETWEEN 0 AND 100),
    roles      text[] NOT NULL
        CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['operator', 'handler', 'supervisor', 'qa', 'admin']),
    -- The static extension of a desk phone; a login on another extension overrides it (agent.login).
    extension  text UNIQUE CHECK (extension ~ '^[0-9A-Za-z*#+_-]{1,32}$'),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE hotline.departments
    ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_login) REFERENCES hotline.staff (login)
    DEFERRABLE INITIALLY DEFERRED;

-- Who is logged in on which extension right now (agent.login / agent.logout).
CREATE TABLE hotline.agent_sessions (
    extension   text PRIMARY KEY CHECK (extension ~ '^[0-9A-Za-z*#+_-]{1,32}$'),
    staff_login text NOT NULL REFERENCES hotline.staff (login),
    since       timestamptz NOT NULL,
    event_id    text NOT NULL
);

-- Every PBX event exactly as received; event_id makes resends idempotent.
CREATE TABLE hotline.pbx_events (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    text NOT NULL UNIQUE CHECK (length(event_id) BETWEEN 1 AND 128),
    type        text NOT NULL CHECK (type IN ('call.offered', 'call.answered', 'call.transferred', 'call.ended',
                                              'agent.login', 'agent.logout')),
    call_id     text CHECK (length(call_id) BETWEEN 1 AND 128),
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- agent.login / agent.logout: the extension and the staff login, to answer "who was on 8001 at 09:15".
    agent       text CHECK (length(agent) <= 32),
    staff       text CHECK (length(staff) <= 64),
    -- The event's line exactly as the adapter sent it (text: cheap to store, exact to replay).
    payload     text NOT NULL,
    CHECK ((type LIKE 'call.%') = (call_id IS NOT NULL)),
    CHECK ((type LIKE 'agent.%') = (agent IS NOT NULL AND staff IS NOT NULL))
);
CREATE INDEX pbx_events_call ON hotline.pbx_events (call_id, occurred_at) WHERE call_id IS NOT NULL;
-- Who was logged in on an extension at a given moment (first responder resolution, SPEC §5).
CREATE INDEX pbx_events_agent ON hotline.pbx_events (agent, occurred_at) WHERE agent IS NOT NULL;

-- The call register (R1): one row per PBX call, folded from its events in any arrival order.
CREATE TABLE hotline.calls (
    call_id          text PRIMARY KEY CHECK (length(call_id) BETWEEN 1 AND 128),
    caller_number    text CHECK (caller_number ~ '^\+?[0-9]{3,20}$'),
    caller_name      text CHECK (length(caller_name) <= 200),
    dialled          text CHECK (length(dialled) <= 200),
    queue            text CHECK (length(queue) <= 200),
    offered_at       timestamptz,
    answered_at      timestamptz,
    ended_at         timestamptz,
    end_cause        text CHECK (end_cause IN ('normal', 'abandoned', 'busy', 'no_answer', 'failed')),
    answered_by      text[],
    first_responder  text REFERENCES hotline.staff (login),
    outcome          text NOT NULL DEFAULT 'in_progress'
        CHECK (outcome IN ('answered', 'abandoned', 'missed', 'in_progress')),
    -- The order-independent fold of the call's events (HotlineCore.CallRecord, as JSON text); the columns above
    -- derive from it.
    record           text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (outcome <> 'answered' OR answered_at IS NOT NULL),
    CHECK (first_responder IS NULL OR answered_at IS NOT NULL)
);
CREATE INDEX calls_offered ON hotline.calls (offered_at);
CREATE INDEX calls_active ON hotline.calls (offered_at) WHERE outcome = 'in_progress';

-- A phone complaint (R1, R3-R16). State changes only through the daemon's workflow; every change is a hop.
CREATE TABLE hotline.complaints (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state                text NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'resolved', 'transferred', 'accepted', 'returned', 'replied', 'closed')),
    urgent               boolean NOT NULL DEFAULT false,
    call_id              text REFERENCES hotline.calls (call_id),
    caller_name          text CHECK (length(caller_name) <= 200),
    caller_phone         text CHECK (caller_phone ~ '^\+?[0-9]{3,20}$'),
    caller_address       text CHECK (length(caller_address) <= 500),
    matter               text NOT NULL CHECK (length(btrim(matter)) BETWEEN 1 AND 10000),
    category             text CHECK (length(category) <= 100),
    first_responder      text NOT NULL REFERENCES hotline.staff (login),
    first_responder_dept text NOT NULL REFERENCES hotline.departments (code),
    -- The person answerable now: the first responder until an approved handover (R11).
    responsible          text NOT NULL REFERENCES hotline.staff (login),
    receiving_dept       text REFERENCES hotline.departments (code),
    handler              text REFERENCES hotline.staff (login),
    escalation_level     text NOT NULL DEFAULT 'none' CHECK (escalation_level IN ('none', 'qa', 'vp', 'gm')),
    received_at          timestamptz NOT NULL,
    satisfaction         smallint CHECK (satisfaction BETWEEN 1 AND 5),
    satisfaction_comment text CHECK (length(satisfaction_comment) <= 2000),
    redo_count           integer NOT NULL DEFAULT 0 CHECK (redo_count >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    closed_at            timestamptz,
    CHECK (state NOT IN ('transferred', 'accepted', 'replied') OR receiving_dept IS NOT NULL),
    CHECK (state <> 'accepted' OR handler IS NOT NULL),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX complaints_received ON hotline.complaints (received_at);
CREATE INDEX complaints_state ON hotline.complaints (state) WHERE state <> 'closed';
CREATE INDEX complaints_receiving ON hotline.complaints (receiving_dept, state);
CREATE INDEX complaints_call ON hotline.complaints (call_id) WHERE call_id IS NOT NULL;

-- The signed trail of a complaint (R9): append-only, hash-chained per complaint.
CREATE TABLE hotline.hops (
    complaint_id bigint NOT NULL REFERENCES hotline.complaints (id),
    seq          integer NOT NULL CHECK (seq >= 1),
    action       text NOT NULL CHECK (action ~ '^[a-z_]{1,32}$'),
    by_login     text NOT NULL REFERENCES hotline.staff (login),
    -- Root acted through `hotlinectl --as LOGIN`: recorded, never hidden.
    acting_root  boolean NOT NULL DEFAULT false,
    department   text REFERENCES hotline.departments (code),
    text         text NOT NULL DEFAULT '' CHECK (length(text) <= 10000),
    at           timestamptz NOT NULL,
    prev_hash    bytea CHECK (prev_hash IS NULL OR length(prev_hash) = 32),
    hash         bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (complaint_id, seq),
    CHECK ((seq = 1) = (prev_hash IS NULL))
);
CREATE INDEX hops_at ON hotline.hops (at);

CREATE FUNCTION hotline.refuse_hop_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'R9: hops are signed and append-only; % is refused (record a correction as a new hop)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER hops_append_only BEFORE UPDATE OR DELETE ON hotline.hops
    FOR EACH ROW EXECUTE FUNCTION hotline.refuse_hop_change();
CREATE TRIGGER hops_no_truncate BEFORE TRUNCATE ON hotline.hops
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.refuse_hop_change();

-- Deadlines of SPEC §3; they fire exactly once (state moves from pending under a row lock).
CREATE TABLE hotline.deadlines (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES hotline.complaints (id),
    kind         text NOT NULL CHECK (kind IN ('transfer', 'accept', 'reply', 'reply_vp', 'reply_gm')),
    -- The department a breach is charged to.
    department   text NOT NULL REFERENCES hotline.departments (code),
    started_at   timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    warn_at      timestamptz,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'met', 'breached', 'cancelled')),
    warned_at    timestamptz,
    met_at       timestamptz,
    breached_at  timestamptz,
    fired_late   boolean NOT NULL DEFAULT false,
    explanation  text NOT NULL DEFAULT '',
    CHECK (due_at >= started_at),
    CHECK ((state = 'met') = (met_at IS NOT NULL)),
    CHECK ((state = 'breached') = (breached_at IS NOT NULL))
);
CREATE INDEX deadlines_pending_due ON hotline.deadlines (due_at) WHERE state = 'pending';
CREATE INDEX deadlines_pending_warn ON hotline.deadlines (warn_at) WHERE state = 'pending' AND warned_at IS NULL;
CREATE INDEX deadlines_complaint ON hotline.deadlines (complaint_id);

-- Escalations (R8) and misroutes (R7), as QA tallies them.
CREATE TABLE hotline.escalations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES hotline.complaints (id),
    kind         text NOT NULL CHECK (kind IN ('transfer_overdue', 'reply_overdue', 'explicit', 'misroute')),
    level        text CHECK (level IN ('qa', 'vp', 'gm')),
    department   text NOT NULL REFERENCES hotline.departments (code),
    at           timestamptz NOT NULL,
    by_login     text REFERENCES hotline.staff (login),
    reason       text NOT NULL DEFAULT '',
    -- An automatic escalation comes from exactly one fired deadline.
    deadline_id  bigint UNIQUE REFERENCES hotline.deadlines (id),
    CHECK ((kind = 'misroute') = (level IS NULL)),
    CHECK (kind NOT IN ('transfer_overdue', 'reply_overdue') OR (deadline_id IS NOT NULL AND by_login IS NULL))
);
CREATE INDEX escalations_at ON hotline.escalations (at);
CREATE INDEX escalations_department_at ON hotline.escalations (department, at);

-- Date overrides of the work calendar: public holidays and make-up working days (调休).
CREATE TABLE hotline.calendar_overrides (
    day         date PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name        text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    source      text NOT NULL DEFAULT '',
    imported_at timestamptz NOT NULL DEFAULT now()
);

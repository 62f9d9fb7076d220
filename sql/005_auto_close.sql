-- Closing a case after its quiet period (SPEC §2: `resolved|replied` → `closed` without feedback). The daemon does
-- it itself and signs the closing hop as `hotlined` (HotlineCore.ActingStaff.daemon), so that the hop chain (R9)
-- stays one kind of record and `audit verify` covers automatic closes too.

-- hops.by_login references staff, so the daemon needs a staff record. It belongs to no department and is inactive:
-- no Unix user can act as it, no one can name it as handler or approver, and it is in no staff list. Only
-- inactive records may lack a department.
ALTER TABLE hotline.staff
    ALTER COLUMN department DROP NOT NULL,
    ADD CONSTRAINT staff_department_unless_inactive CHECK (department IS NOT NULL OR NOT active);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM hotline.staff WHERE login = 'hotlined') THEN
        RAISE EXCEPTION 'the login "hotlined" is reserved for the daemon''s own hops; rename the staff member who has it'
            USING ERRCODE = 'unique_violation';
    END IF;
END;
$$;
INSERT INTO hotline.staff (login, name, department, rank, roles, active)
VALUES ('hotlined', 'hotlined', NULL, 0, ARRAY['admin'], false);

-- When a resolved or replied case closes unless feedback comes first: `[policy] quiet_period` after its last hop,
-- computed by the daemon on the work calendar (business time cannot be computed here). NULL in every other state.
-- Cases already waiting when this migration runs get theirs from the daemon's first pass.
ALTER TABLE hotline.complaints
    ADD COLUMN quiet_until timestamptz,
    ADD CONSTRAINT complaints_quiet_only_when_waiting CHECK (quiet_until IS NULL OR state IN ('resolved', 'replied'));
CREATE INDEX complaints_quiet_until ON hotline.complaints (quiet_until) WHERE state IN ('resolved', 'replied');

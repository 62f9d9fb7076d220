-- The call register's first responder must be a staff member (R1). The foreign key checked that call by call, with
-- a query and a row lock for each row: a third of the time of storing a call row (issue 14; 9.2-9.7 µs a row with
-- it, 6.4 µs with the checks below, in 1,000-row batches). These triggers check each statement's distinct first
-- responders at once, locking each staff row FOR KEY SHARE as the foreign key did, so a staff member being deleted
-- meanwhile either waits or is found missing. The other half of the foreign key stays too: a staff member a call
-- names can be neither deleted nor renamed. The errors keep the foreign key's SQLSTATE (23503).
ALTER TABLE hotline.calls DROP CONSTRAINT calls_first_responder_fkey;

CREATE FUNCTION hotline.calls_check_first_responders() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    SELECT n.first_responder INTO missing
    FROM (SELECT DISTINCT first_responder FROM new_calls WHERE first_responder IS NOT NULL) AS n
    WHERE NOT EXISTS (SELECT 1 FROM hotline.staff s WHERE s.login = n.first_responder FOR KEY SHARE OF s)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'calls.first_responder: no staff member %', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER calls_first_responder_insert AFTER INSERT ON hotline.calls
    REFERENCING NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.calls_check_first_responders();
CREATE TRIGGER calls_first_responder_update AFTER UPDATE ON hotline.calls
    REFERENCING NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION hotline.calls_check_first_responders();

CREATE FUNCTION hotline.staff_keep_first_responders() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM hotline.calls WHERE first_responder = OLD.login) THEN
        RAISE EXCEPTION 'staff member % answered calls first and stays in the call register', OLD.login
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER staff_first_responder_delete BEFORE DELETE ON hotline.staff
    FOR EACH ROW EXECUTE FUNCTION hotline.staff_keep_first_responders();
CREATE TRIGGER staff_first_responder_rename BEFORE UPDATE OF login ON hotline.staff
    FOR EACH ROW WHEN (OLD.login IS DISTINCT FROM NEW.login)
    EXECUTE FUNCTION hotline.staff_keep_first_responders();

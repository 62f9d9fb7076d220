-- The ingest's one-round-trip path (issue 14): a worker that remembers the calls it last wrote sends a batch's
-- events, the folded calls and COMMIT together, without first reading the calls back. What it assumed is checked
-- inside the same transaction by this function: the events are all new, each remembered call still holds the record
-- the worker last wrote, each answering extension still resolves to the staff member it remembers. A false
-- expectation raises, so the rest of the pipeline and its COMMIT are skipped; the worker rolls back and stores the
-- batch the long way (read, lock, fold, write), which is what it would have done without the memory.
CREATE FUNCTION hotline.ingest_expect(holds boolean, what text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF holds IS NOT TRUE THEN
        RAISE EXCEPTION 'ingest expectation failed: %', what USING ERRCODE = 'HL001';
    END IF;
    RETURN true;
END
$$;

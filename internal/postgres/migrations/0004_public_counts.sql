-- Public counts: a public remix's children/descendants counters and the
-- trending counts disclose only public remixes. children_count and
-- descendants_count stay the true counts the lineage rules use (a remix
-- with children cannot be deleted; erasure deletes leaves first).
-- Visibility is fixed when a remix is made, so the counters change only
-- on insert and delete.

ALTER TABLE remix_nodes
    ADD COLUMN public_children_count    integer NOT NULL DEFAULT 0,
    ADD COLUMN public_descendants_count integer NOT NULL DEFAULT 0;

UPDATE remix_nodes p SET
    public_children_count = (SELECT count(*) FROM remix_nodes c WHERE c.parent_id = p.id AND c.visibility = 'public'),
    public_descendants_count = (SELECT count(*) FROM remix_nodes d WHERE d.path <@ p.path AND d.id <> p.id AND d.visibility = 'public')
WHERE p.descendants_count > 0;

DROP TRIGGER remix_family_daily_insert ON remix_nodes;
DROP TRIGGER remix_family_daily_delete ON remix_nodes;
CREATE TRIGGER remix_family_daily_insert AFTER INSERT ON remix_nodes
    FOR EACH ROW WHEN (NEW.depth > 0 AND NEW.visibility = 'public') EXECUTE FUNCTION remix_family_daily_count();
CREATE TRIGGER remix_family_daily_delete AFTER DELETE ON remix_nodes
    FOR EACH ROW WHEN (OLD.depth > 0 AND OLD.visibility = 'public') EXECUTE FUNCTION remix_family_daily_count();

DELETE FROM remix_family_daily;
INSERT INTO remix_family_daily (root_id, day, remixes)
SELECT root_id, (created_at AT TIME ZONE 'UTC')::date, count(*) FROM remix_nodes
WHERE depth > 0 AND visibility = 'public' GROUP BY 1, 2;

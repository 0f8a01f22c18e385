-- Retention (TRANSCRIPT_RETENTION_DAYS, BUNDLE_RETENTION): housekeeping deletes expired
-- transcripts and old bundles from the object store and marks the rows it emptied; the rows stay.
ALTER TABLE agent_interactions ADD COLUMN transcript_pruned_at timestamptz;
ALTER TABLE artifacts ADD COLUMN pruned_at timestamptz;

CREATE INDEX agent_interactions_transcript_expiry ON agent_interactions (finished_at)
  WHERE transcript_key IS NOT NULL AND transcript_pruned_at IS NULL;

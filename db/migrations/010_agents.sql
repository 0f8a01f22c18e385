-- The coding agent a campaign's runs use unless their scenario names one (NULL: the AGENT setting).
ALTER TABLE campaigns
  ADD COLUMN default_agent text CHECK (default_agent IN ('claude-code', 'codex'));

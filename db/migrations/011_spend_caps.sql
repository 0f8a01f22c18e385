-- What a campaign's runs may spend in all, in USD (NULL: no cap). Runs that reach it pause at
-- their next step boundary until it is raised.
ALTER TABLE campaigns
  ADD COLUMN budget_usd numeric(12, 4) CHECK (budget_usd IS NULL OR budget_usd > 0);

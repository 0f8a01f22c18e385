-- Listing a campaign's live scenarios (GET /api/scenarios?campaign=…, the default view) filters on
-- campaign and archived and sorts newest first. This index serves that page straight from the
-- index in order (no sort, stops at LIMIT) and lets the page's total be counted from the index
-- alone (index-only scan) instead of visiting every matching row.
CREATE INDEX scenarios_campaign_live_created ON scenarios (campaign_id, archived, created_at DESC, id DESC);

-- Notification channels of a campaign, and every delivery made to them.
-- `secrets` holds a channel's credentials (the webhook signing key, an incoming-webhook URL, an
-- ntfy token, an SMTP password): the API never returns it, only which of its keys are set.
CREATE TABLE notification_channels (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'ntfy', 'email')),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  events      text[] NOT NULL DEFAULT '{}',
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  secrets     jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled     boolean NOT NULL DEFAULT true,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_channels_campaign ON notification_channels (campaign_id, created_at);

-- One row per notice and channel. `notice_id` is the Standard Webhooks message id: derived from
-- the notice and the channel, so a replayed step finds its row instead of adding one.
CREATE TABLE notification_deliveries (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notice_id       text NOT NULL UNIQUE,
  campaign_id     uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  channel_id      uuid REFERENCES notification_channels (id) ON DELETE SET NULL,
  channel_name    text NOT NULL,
  channel_kind    text NOT NULL,
  run_id          uuid REFERENCES runs (id) ON DELETE SET NULL,
  event           text NOT NULL,
  title           text NOT NULL,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  response_status integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX notification_deliveries_campaign ON notification_deliveries (campaign_id, created_at DESC);
CREATE INDEX notification_deliveries_channel ON notification_deliveries (channel_id, created_at DESC);

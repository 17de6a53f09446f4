-- Expert dashboard checklist: the expert shared their consultation page (copied the URL, downloaded
-- the QR code, copied the banner). The first time and the channels used, reported by the workspace.
CREATE TABLE expert_sharing (
  expert_id uuid PRIMARY KEY REFERENCES users (id),
  first_shared_at timestamptz NOT NULL,
  last_shared_at timestamptz NOT NULL,
  channels text[] NOT NULL CHECK (channels <@ ARRAY['url', 'qr', 'banner']::text[])
);

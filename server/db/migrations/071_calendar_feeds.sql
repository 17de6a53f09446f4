-- BOOK-8: one private calendar subscription address per user. The token is the whole secret of
-- the address (256 random bits); rotating replaces the row's token, so the old address stops at once.
CREATE TABLE calendar_feeds (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  token text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{43}$'),
  created_at timestamptz NOT NULL,
  rotated_at timestamptz
);

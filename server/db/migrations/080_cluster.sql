-- Scale out (issue 15): several API nodes and media nodes on one PostgreSQL. PostgreSQL is the
-- only coordinator: heartbeats and leases are rows, decisions are conditional writes, wake-ups
-- are NOTIFY with a table as the truth.

-- Each media node registers itself and heart-beats every ~2 s. `swept_at` is set by the one
-- surviving node that ended the consultations of a node that stopped heart-beating.
CREATE TABLE media_nodes (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  -- A ws(s):// URL, or a path on the public origin the browser resolves against its page (/media/ws).
  signaling_url text NOT NULL CHECK (signaling_url ~ '^(wss?://|/)'),
  capacity integer NOT NULL CHECK (capacity > 0),
  load integer NOT NULL DEFAULT 0 CHECK (load >= 0),
  heartbeat_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL,
  swept_at timestamptz
);

-- MEDIA-1: where a video consultation's room lives, written once at the first join (or again when
-- its node died before the consultation went live). Both parties read the same row.
CREATE TABLE video_rooms (
  consultation_id uuid PRIMARY KEY REFERENCES consultations (id),
  media_node_id text NOT NULL REFERENCES media_nodes (id),
  placed_at timestamptz NOT NULL
);
CREATE INDEX video_rooms_node_idx ON video_rooms (media_node_id);

-- TEL-1 / BILL-4: the node that runs a phone bridge and its meter, and until when it holds it.
-- The owner renews the lease; once it lapses any node may take the session over.
ALTER TABLE phone_sessions ADD COLUMN owner_node_id text;
ALTER TABLE phone_sessions ADD COLUMN lease_expires_at timestamptz;
CREATE INDEX phone_sessions_lease_idx ON phone_sessions (lease_expires_at) WHERE finished_at IS NULL;

-- A party's action on a phone session that landed on a node not owning it (the expert ending it):
-- recorded here, and the owner is woken (below); the owner deletes the row once it acted.
CREATE TABLE phone_session_requests (
  id bigserial PRIMARY KEY,
  consultation_id uuid NOT NULL REFERENCES phone_sessions (consultation_id),
  action text NOT NULL CHECK (action IN ('end_by_expert')),
  requested_at timestamptz NOT NULL
);
CREATE INDEX phone_session_requests_consultation_idx ON phone_session_requests (consultation_id, id);

-- Wake-ups: a provider callback (recorded in phone_call_events) or a request for a phone session
-- is announced on `phone_session_events` with its consultation id, on commit; the owner reads the
-- tables again (a lost notification is caught up by the owner's periodic read).
CREATE FUNCTION announce_phone_session_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('phone_session_events', NEW.consultation_id::text);
  RETURN NEW;
END $$;

CREATE TRIGGER phone_call_events_announce AFTER INSERT ON phone_call_events
  FOR EACH ROW EXECUTE FUNCTION announce_phone_session_event();
CREATE TRIGGER phone_session_requests_announce AFTER INSERT ON phone_session_requests
  FOR EACH ROW EXECUTE FUNCTION announce_phone_session_event();

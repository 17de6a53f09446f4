-- BOOK-4 live requests: the expert accepts or declines an immediate request, open pages are told
-- of every change at once, and the expert may be texted.

-- BOOK-4: when the expert accepted (then goes into the room or the calls start) or declined it.
ALTER TABLE consultations ADD COLUMN accepted_at timestamptz;
ALTER TABLE consultations ADD COLUMN declined_at timestamptz;
ALTER TABLE consultations ADD CONSTRAINT consultations_declined_is_expired CHECK (declined_at IS NULL OR status = 'expired');

-- BOOK-4: an SMS to the expert's mobile for each immediate request, only when they opted in.
ALTER TABLE expert_profiles ADD COLUMN sms_on_immediate_request boolean NOT NULL DEFAULT false;

-- One row per text, by idempotency key, claimed before the provider is called: a retried job
-- never texts twice in a row (at least once, like the emails of 030_notifications.sql).
CREATE TABLE sms_messages (
  idempotency_key text PRIMARY KEY CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  user_id uuid NOT NULL REFERENCES users (id),
  to_number text NOT NULL CHECK (to_number ~ '^\+[1-9][0-9]{6,14}$'),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 320),
  status text NOT NULL CHECK (status IN ('sending', 'sent')),
  provider_message_id text,
  claimed_at timestamptz NOT NULL,
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX sms_messages_user_idx ON sms_messages (user_id, created_at DESC);

-- The live channel: every new consultation and every change of its status, start, acceptance or
-- refusal is announced on `consultation_events` by the database itself, in the transaction that
-- made it, so it is delivered on commit only and whichever API node holds a page hears it
-- (LISTEN on every node). The payload routes it; pages read the consultation itself.
CREATE FUNCTION announce_consultation_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('consultation_events', json_build_object(
    'id', NEW.id, 'expertId', NEW.expert_id, 'clientId', NEW.client_id, 'status', NEW.status,
    'mode', NEW.mode, 'declined', NEW.declined_at IS NOT NULL)::text);
  RETURN NEW;
END $$;

CREATE TRIGGER consultations_announce_insert AFTER INSERT ON consultations
  FOR EACH ROW EXECUTE FUNCTION announce_consultation_change();
CREATE TRIGGER consultations_announce_update AFTER UPDATE OF status, start_at, accepted_at, declined_at ON consultations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.start_at IS DISTINCT FROM NEW.start_at
                     OR OLD.accepted_at IS DISTINCT FROM NEW.accepted_at OR OLD.declined_at IS DISTINCT FROM NEW.declined_at)
  EXECUTE FUNCTION announce_consultation_change();

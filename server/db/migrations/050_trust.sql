-- Trust and operations (TRUST-1 … TRUST-6, ACC-8, ACC-9, BILL-13 fee-schedule changes).

-- TRUST-1: one review per charged consultation, written by its client within 30 days.
CREATE TABLE reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consultation_id uuid NOT NULL UNIQUE REFERENCES consultations (id),
  expert_id uuid NOT NULL REFERENCES users (id),
  client_id uuid NOT NULL REFERENCES users (id),
  stars integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment text CHECK (length(comment) BETWEEN 1 AND 2000),
  -- TRUST-5: an admin removes an abusive review; it then counts nowhere.
  moderation_state text NOT NULL DEFAULT 'published' CHECK (moderation_state IN ('published', 'removed')),
  removed_at timestamptz,
  removed_reason text,
  created_at timestamptz NOT NULL,
  CHECK ((moderation_state = 'removed') = (removed_at IS NOT NULL))
);

CREATE INDEX reviews_expert_idx ON reviews (expert_id, created_at DESC);

-- The public average and count (TRUST-1) are read on every consultation page: kept up to date
-- by the database on every review change, so the page reads one row instead of aggregating.
CREATE TABLE expert_rating_summaries (
  expert_id uuid PRIMARY KEY REFERENCES users (id),
  review_count integer NOT NULL CHECK (review_count >= 0),
  stars_total integer NOT NULL CHECK (stars_total >= 0)
);

CREATE FUNCTION reviews_refresh_summary() RETURNS trigger AS $$
BEGIN
  INSERT INTO expert_rating_summaries (expert_id, review_count, stars_total)
  SELECT NEW.expert_id, count(*), COALESCE(sum(stars), 0) FROM reviews
   WHERE expert_id = NEW.expert_id AND moderation_state = 'published'
  ON CONFLICT (expert_id) DO UPDATE SET review_count = EXCLUDED.review_count, stars_total = EXCLUDED.stars_total;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER reviews_summary AFTER INSERT OR UPDATE ON reviews
  FOR EACH ROW EXECUTE FUNCTION reviews_refresh_summary();

-- TRUST-2 (about a consultation) and TRUST-3 (about the platform).
CREATE TABLE complaints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('consultation', 'platform')),
  complainant_id uuid NOT NULL REFERENCES users (id),
  consultation_id uuid REFERENCES consultations (id),
  -- The expert who must answer (TRUST-2); NULL for platform complaints (the admins answer).
  expert_id uuid REFERENCES users (id),
  comment text NOT NULL CHECK (length(comment) BETWEEN 1 AND 5000),
  -- When the consultation ended (TRUST-2) or the incident happened (TRUST-3): the 7-day window starts there.
  occurred_at timestamptz NOT NULL,
  filed_at timestamptz NOT NULL,
  -- 14 days for the expert (TRUST-2), 45 days for the admins (TRUST-3).
  answer_due_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'escalated', 'resolved')),
  escalated_at timestamptz,
  resolution text CHECK (resolution IN ('full_refund', 'partial_refund', 'rejected', 'answered')),
  refund_cents integer CHECK (refund_cents > 0),
  reply text CHECK (length(reply) BETWEEN 1 AND 5000),
  answered_by uuid REFERENCES users (id),
  answered_at timestamptz,
  -- The refund goes through the ledger first (journal `refund:<id>`), then the payment provider.
  refund_status text CHECK (refund_status IN ('pending', 'refunded')),
  refund_ref text,
  refunded_at timestamptz,
  CHECK ((kind = 'consultation') = (consultation_id IS NOT NULL AND expert_id IS NOT NULL)),
  CHECK ((status = 'resolved') = (resolution IS NOT NULL AND answered_at IS NOT NULL)),
  CHECK ((resolution IN ('full_refund', 'partial_refund')) = (refund_cents IS NOT NULL)),
  CHECK ((refund_cents IS NOT NULL) = (refund_status IS NOT NULL)),
  CHECK (kind = 'consultation' OR resolution IS NULL OR resolution = 'answered')
);

-- TRUST-2: one complaint per consultation.
CREATE UNIQUE INDEX complaints_consultation_key ON complaints (consultation_id) WHERE kind = 'consultation';
CREATE INDEX complaints_expert_idx ON complaints (expert_id, filed_at DESC) WHERE expert_id IS NOT NULL;
CREATE INDEX complaints_complainant_idx ON complaints (complainant_id, filed_at DESC);
CREATE INDEX complaints_due_idx ON complaints (answer_due_at) WHERE status = 'open';
CREATE INDEX complaints_refund_pending_idx ON complaints (answered_at) WHERE refund_status = 'pending';

-- TRUST-5: reports of an abusive profile or review, queued for the admins.
CREATE TABLE reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reporter_id uuid NOT NULL REFERENCES users (id),
  target_type text NOT NULL CHECK (target_type IN ('profile', 'review')),
  target_user_id uuid REFERENCES users (id),
  review_id uuid REFERENCES reviews (id),
  reason text NOT NULL CHECK (reason IN ('inappropriate_content', 'fake_or_misleading', 'harassment', 'fraud', 'other')),
  comment text CHECK (length(comment) BETWEEN 1 AND 2000),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'actioned')),
  created_at timestamptz NOT NULL,
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  decision_note text,
  CHECK ((target_type = 'profile') = (target_user_id IS NOT NULL AND review_id IS NULL)),
  CHECK ((target_type = 'review') = (review_id IS NOT NULL AND target_user_id IS NULL)),
  CHECK ((status = 'open') = (decided_at IS NULL))
);

-- One open report per reporter and target: reporting twice queues nothing new.
CREATE UNIQUE INDEX reports_open_key ON reports (reporter_id, target_type, COALESCE(target_user_id, review_id)) WHERE status = 'open';
CREATE INDEX reports_queue_idx ON reports (created_at) WHERE status = 'open';

-- TRUST-6: an expert blocks a client.
CREATE TABLE expert_blocks (
  expert_id uuid NOT NULL REFERENCES users (id),
  client_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (expert_id, client_id),
  CHECK (expert_id <> client_id)
);

-- TRUST-6 enforced by the database too: a booking racing the block cannot slip in.
CREATE FUNCTION consultations_refuse_blocked() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM expert_blocks WHERE expert_id = NEW.expert_id AND client_id = NEW.client_id) THEN
    RAISE EXCEPTION 'client % is blocked by expert %', NEW.client_id, NEW.expert_id USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER consultations_blocked_client BEFORE INSERT ON consultations
  FOR EACH ROW EXECUTE FUNCTION consultations_refuse_blocked();

-- TRUST-4: every admin action, who, what, when and why. Append-only like the ledger (004).
CREATE TABLE admin_audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  admin_id uuid NOT NULL REFERENCES users (id),
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL
);

CREATE INDEX admin_audit_log_target_idx ON admin_audit_log (target_type, target_id, id DESC);

CREATE FUNCTION admin_audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER admin_audit_log_append_only BEFORE UPDATE OR DELETE ON admin_audit_log
  FOR EACH ROW EXECUTE FUNCTION admin_audit_log_refuse_change();
CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_refuse_change();

-- TRUST-4: a notice shown on every page of the site while it is in force.
CREATE TABLE site_notices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_fr text NOT NULL CHECK (length(message_fr) BETWEEN 1 AND 1000),
  message_en text NOT NULL CHECK (length(message_en) BETWEEN 1 AND 1000),
  level text NOT NULL CHECK (level IN ('info', 'warning')),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz,
  withdrawn_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);

-- ACC-8 deregistrations and TRUST-4 terminations: why and when an account was closed.
CREATE TABLE account_closures (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  kind text NOT NULL CHECK (kind IN ('deregistered', 'terminated')),
  closed_at timestamptz NOT NULL,
  anonymised_at timestamptz
);

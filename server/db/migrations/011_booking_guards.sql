-- BOOK-4: an expert answers one immediate request at a time, whatever the concurrency.
CREATE UNIQUE INDEX consultations_one_request_per_expert_key ON consultations (expert_id) WHERE status = 'requested';

-- Finished jobs are purged after a while (server/jobs/queue.ts); this finds them without a scan.
CREATE INDEX jobs_done_idx ON jobs (done_at) WHERE done_at IS NOT NULL;

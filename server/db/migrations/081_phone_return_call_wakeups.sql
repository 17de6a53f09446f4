-- TEL-5 across API nodes (issue 15): a call to the platform's number is recognised by whichever
-- node it lands on, from the tables alone, and recorded as the party's inbound leg in phone_calls.
-- That row is the truth; this trigger wakes the session's owner (`phone_session_events`, as for a
-- callback), which takes the leg as its own.
CREATE TRIGGER phone_calls_announce_inbound AFTER INSERT ON phone_calls
  FOR EACH ROW WHEN (NEW.direction = 'inbound') EXECUTE FUNCTION announce_phone_session_event();

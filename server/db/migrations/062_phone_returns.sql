-- TEL-5 as amended: a party who hangs up is not called back but may call the platform back within
-- 120 s, recognised by the number on file or by this code typed on the keypad (given in the
-- booking confirmation and on the consultation's page).
ALTER TABLE consultations ADD COLUMN phone_return_code text CHECK (phone_return_code ~ '^[0-9]{6}$');

-- Legs the platform placed, and calls a party made to the platform's number to come back.
ALTER TABLE phone_calls ADD COLUMN direction text NOT NULL DEFAULT 'outbound' CHECK (direction IN ('outbound', 'inbound'));

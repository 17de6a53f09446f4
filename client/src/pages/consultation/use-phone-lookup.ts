import { useEffect, useRef, useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';

/** Wait for the typing to stop before asking the server what the number is. */
const LOOKUP_DEBOUNCE_MS = 400;

export type PhoneLookup =
  | { state: 'empty' }
  | { state: 'checking' }
  /** TEL-6: the number as the server's numbering library reads it (E.164 and its country, for BILL-8). */
  | { state: 'valid'; e164: string; country: string }
  | { state: 'invalid' };

/**
 * TEL-6: `GET /api/phone-numbers/lookup` tells whether a typed number is a real one, its E.164
 * form (what the booking sends) and its country (the surcharge shown, BILL-8); the page keeps no
 * numbering table of its own. `settled()` waits for the answer about what is typed now.
 */
export function usePhoneLookup(typed: string): PhoneLookup & { settled: () => Promise<PhoneLookup> } {
  const [lookup, setLookup] = useState<PhoneLookup>({ state: 'empty' });
  const pending = useRef<Promise<PhoneLookup>>(Promise.resolve({ state: 'empty' }));
  useEffect(() => {
    const number = typed.trim();
    if (number === '') {
      setLookup({ state: 'empty' });
      pending.current = Promise.resolve({ state: 'empty' });
      return;
    }
    let current = true;
    setLookup({ state: 'checking' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    pending.current = new Promise<PhoneLookup>((resolve) => {
      timer = setTimeout(() => {
        apiCall<{ e164: string; country: string }>('GET', `/api/phone-numbers/lookup?${new URLSearchParams({ number }).toString()}`, { auth: false }).then(
          (parsed) => resolve({ state: 'valid', e164: parsed.e164, country: parsed.country }),
          () => resolve({ state: 'invalid' }),
        );
      }, LOOKUP_DEBOUNCE_MS);
    });
    void pending.current.then((answer) => current && setLookup(answer));
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [typed]);
  return { ...lookup, settled: () => pending.current };
}

import { useEffect, useState } from 'preact/hooks';
import type { CallClient, CallState } from '../../media/call.ts';

/** The call's state as the call client publishes it: the room's components render this and nothing else. */
export function useCallState(call: CallClient): CallState {
  const [state, setState] = useState<CallState>(call.state);
  useEffect(() => call.subscribe(setState), [call]);
  return state;
}

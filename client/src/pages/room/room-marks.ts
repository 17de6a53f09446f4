/**
 * Performance marks bench/join and the BILL-4 browser test read (SPEC §13): entering the room,
 * and the first decoded frame of the other's video.
 */
export const JOIN_MARK = 'consulto:join';
export const FIRST_FRAME_MARK = 'consulto:first-remote-frame';

export function markOnce(name: string): void {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

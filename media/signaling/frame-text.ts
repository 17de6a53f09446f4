import type { RawData } from 'ws';

/** A WebSocket text frame as a string: `ws` hands it over as one Buffer, or as pieces or an ArrayBuffer with other settings. */
export function frameText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}

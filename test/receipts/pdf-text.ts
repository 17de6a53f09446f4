import { inflateSync } from 'node:zlib';

/** The WinAnsi code points that differ from Latin-1 and that our documents print. */
const WIN_ANSI_SPECIALS: Record<number, string> = { 0x80: '€', 0x92: '’', 0x96: '–', 0x97: '—' };

/**
 * Just enough PDF text extraction for our own pdfkit output: every content stream (deflated
 * or not), every `[<hex> kerning <hex>…] TJ` text-showing operator, one line each, decoded
 * from WinAnsi. Not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  let searchFrom = 0;
  for (;;) {
    const streamKeyword = raw.indexOf('stream\n', searchFrom);
    if (streamKeyword < 0) break;
    const dataStart = streamKeyword + 'stream\n'.length;
    const dataEnd = raw.indexOf('\nendstream', dataStart);
    if (dataEnd < 0) break;
    searchFrom = dataEnd + '\nendstream'.length;
    if (raw.slice(Math.max(0, streamKeyword - 3), streamKeyword) === 'end') continue;
    const dictionary = raw.slice(raw.lastIndexOf('<<', streamKeyword), streamKeyword);
    let data = pdf.subarray(dataStart, dataEnd);
    if (dictionary.includes('/FlateDecode')) {
      try {
        data = inflateSync(data);
      } catch {
        continue; // an image or a font program, not page content
      }
    }
    for (const match of data.toString('latin1').matchAll(/\[((?:<[0-9a-fA-F]*>|[\s\d.-])*)\]\s*TJ/g)) {
      const hexParts = [...match[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((part) => part[1]!);
      const bytes = Buffer.from(hexParts.join(''), 'hex');
      lines.push([...bytes].map((byte) => WIN_ANSI_SPECIALS[byte] ?? String.fromCharCode(byte)).join(''));
    }
  }
  return lines.join('\n');
}

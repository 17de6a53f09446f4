import { expect } from 'chai';
import { buildIcs, escapeText, foldLine, utcDateTime } from '../../server/notifications/ics.ts';

const base = {
  uid: 'consultation-123@consulto.example',
  startAt: new Date('2026-12-01T09:30:00.000Z'),
  durationMinutes: 45,
  summary: 'Consulto – Camille Dubois',
  stampedAt: new Date('2026-11-23T10:00:00.000Z'),
};

/** Undoes RFC 5545 folding: a CRLF followed by one space joins two lines. */
const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('BOOK-6 .ics calendar file (RFC 5545)', () => {
  it('has the calendar envelope, a UID, DTSTART/DTEND in UTC and CRLF line ends only', () => {
    const ics = buildIcs(base);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).to.equal(true);
    expect(ics.endsWith('END:VEVENT\r\nEND:VCALENDAR\r\n')).to.equal(true);
    expect(ics.replace(/\r\n/g, '')).not.to.match(/[\r\n]/);
    const lines = unfold(ics).split('\r\n');
    expect(lines).to.include('UID:consultation-123@consulto.example');
    expect(lines).to.include('DTSTART:20261201T093000Z');
    expect(lines).to.include('DTEND:20261201T101500Z');
    expect(lines).to.include('DTSTAMP:20261123T100000Z');
    expect(lines).to.include('SUMMARY:Consulto – Camille Dubois');
    expect(lines).to.include('METHOD:PUBLISH');
    expect(lines).to.include('STATUS:CONFIRMED');
  });

  it('escapes backslashes, semicolons, commas and line breaks in TEXT values', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).to.equal('a\\\\b\\;c\\,d\\ne\\nf');
    const ics = unfold(buildIcs({ ...base, summary: 'Dupont, Jean; avocat\nParis', description: 'x\\y' }));
    expect(ics).to.include('SUMMARY:Dupont\\, Jean\\; avocat\\nParis\r\n');
    expect(ics).to.include('DESCRIPTION:x\\\\y\r\n');
  });

  it('folds lines longer than 75 octets without splitting a UTF-8 character', () => {
    const long = 'SUMMARY:' + 'é'.repeat(100) + 'x'.repeat(50);
    const folded = foldLine(long);
    const physical = folded.split('\r\n');
    expect(physical.length).to.be.greaterThan(2);
    for (const [index, line] of physical.entries()) {
      expect(Buffer.byteLength(line, 'utf8')).to.be.at.most(75);
      if (index > 0) expect(line.startsWith(' ')).to.equal(true);
      expect(line).not.to.include('\uFFFD');
    }
    expect(folded.replace(/\r\n /g, '')).to.equal(long);
  });

  it('writes the URL unescaped and a cancellation as METHOD:CANCEL with a higher sequence', () => {
    const ics = unfold(buildIcs({ ...base, url: 'https://consulto.example/consultations/1?a=b,c', method: 'CANCEL', sequence: 1 }));
    expect(ics).to.include('URL:https://consulto.example/consultations/1?a=b,c\r\n');
    expect(ics).to.include('METHOD:CANCEL\r\n');
    expect(ics).to.include('STATUS:CANCELLED\r\n');
    expect(ics).to.include('SEQUENCE:1\r\n');
  });

  it('refuses an event without a valid start or with an impossible duration', () => {
    expect(() => buildIcs({ ...base, startAt: new Date('nope') })).to.throw(RangeError);
    expect(() => buildIcs({ ...base, durationMinutes: 0 })).to.throw(RangeError);
    expect(() => buildIcs({ ...base, durationMinutes: 1.5 })).to.throw(RangeError);
    expect(utcDateTime(new Date('2026-01-02T03:04:05.678Z'))).to.equal('20260102T030405Z');
  });
});

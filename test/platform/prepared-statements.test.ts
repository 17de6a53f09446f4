import { expect } from 'chai';
import { openPglite, prepared, sqlLiteral, type Database } from '../../server/platform/database.ts';

/** SPEC §13: hot statements are prepared on PGlite too, their values written as literals; they must mean what the bound values meant. */
describe('§13 prepared statements on PGlite', () => {
  let db: Database;
  before(async () => {
    db = await openPglite();
  });
  after(() => db.close());

  const awkward = ["it's", 'back\\slash', 'a "quoted" word', '{braces},commas', 'NULL', '', 'é€😀', "'; DROP TABLE x; --"];

  it('binds text, arrays, numbers, booleans, dates and nulls as the driver binds them', async () => {
    const at = new Date('2026-12-04T15:00:00.123Z');
    const sql = 'SELECT $1::text AS text, $2::text[] AS texts, $3::int[] AS numbers, $4::boolean[] AS flags, $5::timestamptz AS at, $6::int AS nothing';
    for (const text of awkward) {
      const params = [text, [...awkward, null], [1, -2, null], [true, false], at, null];
      const plain = await db.query(sql, params);
      // Twice: the first call prepares, the second runs the prepared statement.
      expect(await db.query(prepared(sql), params)).to.deep.equal(plain);
      expect(await db.query(prepared(sql), params)).to.deep.equal(plain);
    }
  });

  it('runs as written inside a transaction before it was prepared, and prepared after', async () => {
    const sql = 'SELECT $1::text || $2::text AS joined';
    const inside = await db.transaction((tx) => tx.query(prepared(sql), ["a'", 'b']));
    expect(inside).to.deep.equal([{ joined: "a'b" }]);
    await db.query(prepared(sql), ['c', 'd']);
    expect(await db.transaction((tx) => tx.query(prepared(sql), ['e', "f'"]))).to.deep.equal([{ joined: "ef'" }]);
  });

  it('refuses what it cannot write: NUL, objects, nested arrays', () => {
    expect(() => sqlLiteral('a\0b')).to.throw(RangeError);
    expect(() => sqlLiteral({ a: 1 })).to.throw(TypeError);
    expect(() => sqlLiteral([[1]])).to.throw(TypeError);
  });
});

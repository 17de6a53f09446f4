import fc from 'fast-check';

/** A JSON Schema as `z.toJSONSchema` writes it into `/api/openapi.json` (the parts the fuzzer reads). */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

/** Real values the platform knows, by field name, so some requests get past validation into the domain. */
export type Dictionary = Record<string, readonly unknown[]>;

/**
 * Strings an attacker or a broken client sends: bad percent-encodings, NUL bytes, overlong and
 * overlong-UTF-8 forms, traversal, injection, huge and negative numbers as text, other scripts.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  'a%00b',
  '\u0000',
  'a\u0000b',
  '%C0%AE%C0%AE%2F',
  '..%2F..%2Fetc%2Fpasswd',
  '../../etc/passwd',
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '-1',
  '0',
  '-0',
  '1e309',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '\u202eevil',
  '\ud800',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2026-02-30',
  '2026-13-01T25:61:61Z',
  '+33',
  '+999999999999999999',
  'pm_card_visa',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  0,
  1.5,
  -(2 ** 31),
  2 ** 31,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  5e-324,
];

/** A JSON value nested `depth` levels deep (stack-overflow bait for recursive code). */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
  return value;
}

/** Any value of the wrong kind: what replaces a field in a mutated body. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(null, true, false, [], {}, [null], { '': '' }, { constructor: { prototype: { x: 1 } } }),
  fc.constant(deeplyNested(2000)),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Values for a schema: mostly valid, with the platform's real values where the field's name says what it is. */
export function arbitraryFor(schema: JsonSchema | undefined, name: string, dictionary: Dictionary, depth = 0): fc.Arbitrary<unknown> {
  const known = dictionary[name];
  const own = plainArbitraryFor(schema, dictionary, depth);
  return known && known.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: own, weight: 1 }) : own;
}

function plainArbitraryFor(schema: JsonSchema | undefined, dictionary: Dictionary, depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => plainArbitraryFor(alternative, dictionary, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, arbitraryFor(child, key, dictionary, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    case 'array':
      return fc.array(plainArbitraryFor(schema.items, dictionary, depth + 1), { maxLength: 3 });
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000);
      return fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) });
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringFor(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
    default:
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) });
  }
}

/** A valid-looking body with one field (or the whole body) replaced by something hostile. */
export function mutatedBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    {
      arbitrary: fc.tuple(valid, fc.nat(), hostileValue).map(([body, index, value]) => {
        if (body === null || typeof body !== 'object' || Array.isArray(body)) return value;
        const keys = Object.keys(body);
        const key = keys.length > 0 && index % 4 !== 0 ? keys[index % keys.length]! : `extra${index % 3}`;
        return { ...body, [key]: value };
      }),
      weight: 4,
    },
    { arbitrary: hostileValue, weight: 1 },
  );
}

/** Bodies that are not JSON at all, or not what the content type says. */
export const RAW_BODIES: readonly { contentType: string; body: string | Buffer }[] = [
  { contentType: 'application/json', body: '{"a":' },
  { contentType: 'application/json', body: '['.repeat(50_000) + ']'.repeat(50_000) },
  { contentType: 'application/json', body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
  { contentType: 'application/json', body: '"\\u0000"' },
  { contentType: 'application/json', body: '{"__proto__":{"admin":true}}' },
  { contentType: 'application/json; charset=utf-16', body: '{}' },
  { contentType: 'application/json; charset=latin-99', body: '{}' },
  { contentType: 'text/plain', body: 'hello' },
  { contentType: 'application/x-www-form-urlencoded', body: 'a=1&a=2&b[c]=3' },
  { contentType: 'image/png', body: Buffer.from('89504e470d0a1a0a0000', 'hex') },
  { contentType: 'application/pdf', body: '%PDF-1.4 %00' },
  { contentType: 'multipart/form-data; boundary=x', body: '--x\r\n\r\n--x--' },
];

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvariantViolation } from '../billing/index.ts';

/** PAY-4 upload limits. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];
/** What the upload route accepts as a raw body: the real type is read from the bytes. */
export const DOCUMENT_UPLOAD_CONTENT_TYPES = [...DOCUMENT_CONTENT_TYPES, 'application/octet-stream'] as const;

const SIGNATURES: readonly { type: DocumentContentType; bytes: Buffer }[] = [
  { type: 'application/pdf', bytes: Buffer.from('%PDF-', 'latin1') },
  { type: 'image/png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff]) },
];

/** The type the bytes really are (magic numbers), whatever the client declared. */
export function sniffDocumentType(bytes: Buffer): DocumentContentType | undefined {
  return SIGNATURES.find((signature) => bytes.subarray(0, signature.bytes.length).equals(signature.bytes))?.type;
}

/** A stored document failed its authentication tag: it was altered or swapped on disk. */
export class DocumentIntegrityError extends Error {}

const FORMAT_MAGIC = Buffer.from('CDOC1', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * AES-256-GCM with the document id as associated data: a file copied over another document's
 * file fails to decrypt as surely as an edited one. Layout: magic | iv | tag | ciphertext.
 */
export function encryptDocument(key: Buffer, documentId: string, plaintext: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new InvariantViolation('documents key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(documentId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([FORMAT_MAGIC, iv, cipher.getAuthTag(), ciphertext]);
}

export function decryptDocument(key: Buffer, documentId: string, stored: Buffer): Buffer {
  const header = FORMAT_MAGIC.length + IV_BYTES + TAG_BYTES;
  if (stored.length < header || !stored.subarray(0, FORMAT_MAGIC.length).equals(FORMAT_MAGIC)) {
    throw new DocumentIntegrityError(`document ${documentId} is not an encrypted document`);
  }
  const iv = stored.subarray(FORMAT_MAGIC.length, FORMAT_MAGIC.length + IV_BYTES);
  const tag = stored.subarray(FORMAT_MAGIC.length + IV_BYTES, header);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(documentId, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(stored.subarray(header)), decipher.final()]);
  } catch {
    throw new DocumentIntegrityError(`document ${documentId} failed its integrity check`);
  }
}

/** Encrypted files under DATA_DIR/documents/<user>/<document>.bin; the database keeps the path. */
export class DocumentStore {
  readonly #root: string;
  readonly #key: Buffer;

  constructor(dataDir: string, key: Buffer) {
    this.#root = join(dataDir, 'documents');
    this.#key = key;
  }

  pathOf(relativePath: string): string {
    return join(this.#root, relativePath);
  }

  /** Written to a temporary name then renamed, so a crash never leaves half a file under the real name. */
  async write(userId: string, documentId: string, plaintext: Buffer): Promise<string> {
    const relativePath = join(userId, `${documentId}.bin`);
    const path = this.pathOf(relativePath);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(`${path}.tmp`, encryptDocument(this.#key, documentId, plaintext), { mode: 0o600 });
    await rename(`${path}.tmp`, path);
    return relativePath;
  }

  async read(relativePath: string, documentId: string): Promise<Buffer> {
    return decryptDocument(this.#key, documentId, await readFile(this.pathOf(relativePath)));
  }
}

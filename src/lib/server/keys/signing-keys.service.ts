// The vendor's Ed25519 signing key. Its private seed comes from SIGNING_KEY, or else from
// DATA_DIR/signing-keys.json (created on first start, mode 0600); the database holds public parts
// only, which GET /api/v1/keys publishes. Rotation keeps old keys as verify-only so files they signed
// still verify. The seed never leaves this module except inside the signer's closure.
import { createPrivateKey, randomBytes, sign as nodeSign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import { PKCS8_PREFIX, SEED_BYTES, type Signer } from '$lib/protocol/ed25519';
import { keyPairFromSeed } from '$lib/protocol/ed25519-tweetnacl';
import { type PublishedKeySet } from '$lib/protocol/vendor-keys';
import { keyIdOf } from '$lib/protocol/sync-ids';
import type { ServerConfig } from '../config';
import type { Db } from '../db/schema';
import {
	listSigningKeys,
	registerActiveSigningKey,
	registerVerifyOnlySigningKey
} from './signing-keys.repository';

export const KEY_FILE_NAME = 'signing-keys.json';

export interface VendorSigningKey extends Signer {
	readonly kid: string;
	readonly publicKey: Uint8Array;
	readonly source: 'environment' | 'file';
}

/** The key file is unreadable or malformed; its content is never put in the message. */
export class SigningKeyFileError extends Error {
	override name = 'SigningKeyFileError';
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410), the form node:crypto imports.

/** A signer for a seed, backed by one node:crypto KeyObject made here and kept in the closure. */
export function signerFromSeed(
	seed: Uint8Array,
	source: VendorSigningKey['source'] = 'file'
): VendorSigningKey {
	if (seed.length !== SEED_BYTES) throw new RangeError(`an Ed25519 seed has ${SEED_BYTES} bytes`);
	const privateKey: KeyObject = createPrivateKey({
		key: Buffer.concat([PKCS8_PREFIX, seed]),
		format: 'der',
		type: 'pkcs8'
	});
	const publicKey = keyPairFromSeed(seed).publicKey;
	return {
		kid: keyIdOf(publicKey),
		publicKey,
		source,
		// Synchronous on purpose: files are signed inside the activation's group-commit unit, and a
		// trip through the thread pool (busy verifying incoming requests) would hold up every unit
		// after it in the batch. Signing costs a third of verifying.
		async sign(message: Uint8Array): Promise<Uint8Array> {
			return new Uint8Array(nodeSign(null, message, privateKey));
		}
	};
}

const base64urlKey = z
	.string()
	.refine((text) => decodeBase64url(text)?.length === 32, 'a base64url 32-byte key');

const keyFileSchema = z.object({
	version: z.literal(1),
	active: z.object({
		kid: z.string(),
		seed: base64urlKey,
		publicKey: base64urlKey,
		createdAt: z.number().int()
	}),
	retired: z.array(
		z.object({
			kid: z.string(),
			publicKey: base64urlKey,
			createdAt: z.number().int(),
			retiredAt: z.number().int()
		})
	)
});
type KeyFile = z.infer<typeof keyFileSchema>;

function keyFilePath(config: ServerConfig): string {
	return join(config.dataDir, KEY_FILE_NAME);
}

function readKeyFile(path: string): KeyFile | null {
	if (!existsSync(path)) return null;
	// Someone loosened the permissions (a copy, a restore): the seed must stay private to this user.
	if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
	let json: unknown;
	try {
		json = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new SigningKeyFileError(`${path} is not valid JSON; restore it from a backup or set SIGNING_KEY`, {
			cause: error instanceof SyntaxError ? undefined : error
		});
	}
	const parsed = keyFileSchema.safeParse(json);
	if (!parsed.success) {
		throw new SigningKeyFileError(
			`${path} is not an Airlock signing key file (expected version 1 with an active key)`
		);
	}
	const active = parsed.data.active;
	const derived = keyPairFromSeed(decodeBase64url(active.seed)!).publicKey;
	if (encodeBase64url(derived) !== active.publicKey || keyIdOf(derived) !== active.kid) {
		throw new SigningKeyFileError(`${path}: the active key's public key or kid does not match its seed`);
	}
	return parsed.data;
}

/** Writes the whole file under a temporary name, then renames: a crash never leaves half a key. */
function writeKeyFile(path: string, file: KeyFile, { create }: { create: boolean }): boolean {
	const text = `${JSON.stringify(file, null, '\t')}\n`;
	if (create) {
		try {
			// 'wx': when two processes start at once, one creates the file and the other reads it.
			writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
			return true;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
			throw error;
		}
	}
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, text, { mode: 0o600 });
	renameSync(temporary, path);
	return true;
}

function newKeyFileEntry(now: number): { seed: Uint8Array; entry: KeyFile['active'] } {
	const seed = new Uint8Array(randomBytes(SEED_BYTES));
	const publicKey = keyPairFromSeed(seed).publicKey;
	return {
		seed,
		entry: {
			kid: keyIdOf(publicKey),
			seed: encodeBase64url(seed),
			publicKey: encodeBase64url(publicKey),
			createdAt: now
		}
	};
}

function loadOrCreateKeyFile(config: ServerConfig, now: number): KeyFile {
	const path = keyFilePath(config);
	const existing = readKeyFile(path);
	if (existing) return existing;
	const file: KeyFile = { version: 1, active: newKeyFileEntry(now).entry, retired: [] };
	if (writeKeyFile(path, file, { create: true })) return file;
	return readKeyFile(path)!;
}

/**
 * Loads the active signing key (creating the key file on first start when SIGNING_KEY is unset) and
 * registers its public part, and those of retired keys, in the database.
 */
export async function loadSigningKey(db: Db, config: ServerConfig, now: number): Promise<VendorSigningKey> {
	if (config.signingKeySeed) {
		const key = signerFromSeed(config.signingKeySeed, 'environment');
		await registerActiveSigningKey(db, {
			kid: key.kid,
			publicKey: encodeBase64url(key.publicKey),
			createdAt: now
		});
		return key;
	}
	const file = loadOrCreateKeyFile(config, now);
	for (const retired of file.retired) await registerVerifyOnlySigningKey(db, retired);
	const { kid, publicKey, createdAt } = file.active;
	await registerActiveSigningKey(db, { kid, publicKey, createdAt });
	return signerFromSeed(decodeBase64url(file.active.seed)!, 'file');
}

export type RotateResult =
	| { ok: true; kid: string; previousKid: string }
	| { ok: false; code: 'key_from_environment'; message: string };

/**
 * Makes a new active key and keeps the previous one as verify-only. Running servers keep signing with
 * the key they loaded until they restart.
 */
export async function rotateSigningKey(db: Db, config: ServerConfig, now: number): Promise<RotateResult> {
	if (config.signingKeySeed) {
		return {
			ok: false,
			code: 'key_from_environment',
			message:
				'The signing key comes from SIGNING_KEY: set a new value there (and keep the old public key published).'
		};
	}
	const current = loadOrCreateKeyFile(config, now);
	const next = newKeyFileEntry(now);
	const previous = {
		kid: current.active.kid,
		publicKey: current.active.publicKey,
		createdAt: current.active.createdAt
	};
	writeKeyFile(
		keyFilePath(config),
		{ version: 1, active: next.entry, retired: [{ ...previous, retiredAt: now }, ...current.retired] },
		{ create: false }
	);
	await registerVerifyOnlySigningKey(db, previous);
	await registerActiveSigningKey(db, {
		kid: next.entry.kid,
		publicKey: next.entry.publicKey,
		createdAt: now
	});
	return { ok: true, kid: next.entry.kid, previousKid: previous.kid };
}

/** The body of GET /api/v1/keys (matches `publishedKeySetSchema`). */
export async function publishedKeys(db: Db): Promise<PublishedKeySet> {
	const rows = await listSigningKeys(db);
	return {
		keys: rows.slice(0, 64).map((row) => ({
			kid: row.kid,
			alg: 'Ed25519' as const,
			publicKey: row.public_key,
			status: row.status,
			createdAt: new Date(row.created_at).toISOString()
		}))
	};
}

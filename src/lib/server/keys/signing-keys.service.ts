// The vendor's Ed25519 signing keys, held in the database so that a deployment has exactly one
// active key whatever its number of nodes. The active key's private seed rests there encrypted under
// the key-encryption key (key-encryption.ts); SIGNING_KEY, when set, is the active key instead (its
// seed then never reaches the database). Every node looks the signer up through a SigningKeys
// provider that re-reads the active kid at most every few seconds, so a rotation made by any node or
// by the admin CLI takes effect everywhere without a restart. Rotation keeps the old key as
// verify-only, introduced-by-signature to its successor; withdrawal removes a key's trust for good.
import { createPrivateKey, randomBytes, sign as nodeSign, type KeyObject } from 'node:crypto';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import { PKCS8_PREFIX, SEED_BYTES, type Signer } from '$lib/protocol/ed25519';
import { keyPairFromSeed } from '$lib/protocol/ed25519-tweetnacl';
import { introduceKey, signKeySet } from '$lib/protocol/key-set';
import { type PublishedKey, type PublishedKeySet } from '$lib/protocol/vendor-keys';
import { keyIdOf } from '$lib/protocol/sync-ids';
import type { ServerConfig } from '../config';
import type { Db, SigningKeyRow } from '../db/schema';
import { loadKeyEncryptionKey, type KeyEncryptionKey } from './key-encryption';
import { markLegacyKeyFileImported, readLegacyKeyFile } from './legacy-key-file';
import { publishedSealKey } from './seal-key';
import { recordAuditEvent } from '../audit/audit.service';
import {
	attachSealedSeed,
	findActiveKey,
	findKey,
	insertActiveKey,
	insertVerifyOnlyKeyIfAbsent,
	listSigningKeys,
	lockKeySet,
	reactivateKey,
	readIssuedAt,
	readKeyState,
	retireKey,
	touchKeySet,
	withdrawKey
} from './signing-keys.repository';

export { KEY_FILE_NAME, SigningKeyFileError } from './legacy-key-file';

export interface VendorSigningKey extends Signer {
	readonly kid: string;
	readonly publicKey: Uint8Array;
	readonly source: 'environment' | 'database';
}

/** This node cannot sign with the deployment's active key; the message says what to set or run. */
export class SigningKeyError extends Error {
	override name = 'SigningKeyError';
}

/** How often a node re-reads the active kid (and the key set's issue time) at most. */
export const KEY_REVALIDATE_MS = 2_000;

/** A signer for a seed, backed by one node:crypto KeyObject made here and kept in the closure. */
export function signerFromSeed(
	seed: Uint8Array,
	source: VendorSigningKey['source'] = 'database'
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

function newSeed(): Uint8Array {
	return new Uint8Array(randomBytes(SEED_BYTES));
}

function kekMessage(kek: KeyEncryptionKey, kid: string): string {
	return (
		`The active signing key ${kid} is encrypted under another key-encryption key than this node's (${kek.origin}). ` +
		"Set KEY_ENCRYPTION_KEY to the deployment's value on every node (a single node's is in DATA_DIR/key-encryption-key of the node that made the key)."
	);
}

function seedlessMessage(kid: string): string {
	return (
		`The active signing key ${kid} has no private key in the database: it comes from SIGNING_KEY, or from the ` +
		'signing-keys.json of a node that has not run this version yet. Set SIGNING_KEY to it, start that node first, ' +
		'or run `npm run admin -- key rotate` to make a new key (devices that trust only the old one then need a key set shipped with the program).'
	);
}

/** The seed of a key row, or a SigningKeyError saying why this node cannot have it. */
function openSeed(
	row: Pick<SigningKeyRow, 'kid' | 'public_key' | 'sealed_seed'>,
	kek: KeyEncryptionKey | null
): Uint8Array {
	if (row.sealed_seed === null) throw new SigningKeyError(seedlessMessage(row.kid));
	if (!kek)
		throw new SigningKeyError(
			`The active signing key ${row.kid} is encrypted, and this node has no key-encryption key: set KEY_ENCRYPTION_KEY.`
		);
	const seed = kek.open(row.sealed_seed, row.kid);
	if (!seed) throw new SigningKeyError(kekMessage(kek, row.kid));
	if (encodeBase64url(keyPairFromSeed(seed).publicKey) !== row.public_key)
		throw new SigningKeyError(
			`The active signing key ${row.kid}'s private key does not match its public key in the database.`
		);
	return seed;
}

/** Makes a key, sealed under `kek`, as the new active key introduced by `previous` (if it can sign). */
async function installNewKey(tx: Db, kek: KeyEncryptionKey, previous: VendorSigningKey | null, now: number) {
	const seed = newSeed();
	const signer = signerFromSeed(seed);
	const publicKey = encodeBase64url(signer.publicKey);
	const introduction = previous ? await introduceKey(signer.kid, publicKey, previous) : null;
	await insertActiveKey(tx, {
		kid: signer.kid,
		publicKey,
		createdAt: now,
		sealedSeed: kek.seal(seed, signer.kid),
		introducedBy: introduction?.kid ?? null,
		introduction: introduction?.signature ?? null
	});
	return signer;
}

/** Imports DATA_DIR/signing-keys.json of earlier versions, once (see legacy-key-file.ts). */
async function importLegacyKeyFile(
	db: Db,
	config: ServerConfig,
	kek: KeyEncryptionKey,
	now: number
): Promise<void> {
	const file = readLegacyKeyFile(config);
	if (!file) return;
	await db.transaction().execute(async (tx) => {
		const issuedAt = await lockKeySet(tx);
		for (const key of file.retired) await insertVerifyOnlyKeyIfAbsent(tx, key);
		const { kid, seed, publicKey, createdAt } = file.active;
		const sealed = kek.seal(decodeBase64url(seed)!, kid);
		const active = await findActiveKey(tx);
		const own = await findKey(tx, kid);
		if (active?.kid === kid) {
			if (active.sealed_seed === null) await attachSealedSeed(tx, kid, sealed);
		} else if (active && active.sealed_seed !== null) {
			// Another node's key already signs for the deployment: this one only verifies from now on.
			await insertVerifyOnlyKeyIfAbsent(tx, { kid, publicKey, createdAt, retiredAt: now });
		} else if (own?.withdrawn_at != null) {
			// Withdrawn meanwhile: never signs again (a new key is made if none is active).
		} else {
			// The database's active key (if any) has no private part anywhere this node knows: this
			// file's key, which has one, takes over.
			if (active) await retireKey(tx, active.kid, now);
			if (own) await reactivateKey(tx, kid, sealed);
			else
				await insertActiveKey(tx, {
					kid,
					publicKey,
					createdAt,
					sealedSeed: sealed,
					introducedBy: null,
					introduction: null
				});
		}
		await touchKeySet(tx, issuedAt, now);
	});
	markLegacyKeyFileImported(config, [file.active.kid, ...file.retired.map((key) => key.kid)], now);
}

/** Makes the deployment's first key when there is no active one (two nodes at once make one). */
async function ensureActiveKey(db: Db, kek: KeyEncryptionKey, now: number): Promise<void> {
	if (await findActiveKey(db)) return;
	await db.transaction().execute(async (tx) => {
		const issuedAt = await lockKeySet(tx);
		if (await findActiveKey(tx)) return;
		await installNewKey(tx, kek, null, now);
		await touchKeySet(tx, issuedAt, now);
	});
}

/** Makes SIGNING_KEY's key the active one (its seed stays in the environment). */
async function registerEnvironmentKey(
	db: Db,
	config: ServerConfig,
	key: VendorSigningKey,
	now: number
): Promise<void> {
	const current = await findActiveKey(db);
	if (current?.kid === key.kid) return;
	await db.transaction().execute(async (tx) => {
		const issuedAt = await lockKeySet(tx);
		const own = await findKey(tx, key.kid);
		if (own?.withdrawn_at != null)
			throw new SigningKeyError(
				`SIGNING_KEY is key ${key.kid}, whose trust was withdrawn: set a new key there.`
			);
		const active = await findActiveKey(tx);
		if (active?.kid === key.kid) return;
		// The outgoing key introduces SIGNING_KEY's if this node can open it, so devices follow.
		let introduction = null;
		const kek = active?.sealed_seed ? loadKeyEncryptionKey(config, { create: false }) : null;
		const previousSeed = active?.sealed_seed && kek ? kek.open(active.sealed_seed, active.kid) : null;
		const publicKey = encodeBase64url(key.publicKey);
		if (previousSeed) introduction = await introduceKey(key.kid, publicKey, signerFromSeed(previousSeed));
		if (active) await retireKey(tx, active.kid, now);
		if (own) await tx.deleteFrom('signing_keys').where('kid', '=', key.kid).execute();
		await insertActiveKey(tx, {
			kid: key.kid,
			publicKey,
			createdAt: own?.created_at ?? now,
			sealedSeed: null,
			introducedBy: introduction?.kid ?? own?.introduced_by ?? null,
			introduction: introduction?.signature ?? own?.introduction ?? null
		});
		await touchKeySet(tx, issuedAt, now);
	});
}

export interface SigningKeysOptions {
	/** How long a node trusts its cached active kid (default KEY_REVALIDATE_MS). */
	revalidateMs?: number;
	/** A monotonic clock in ms (default performance.now). */
	clock?: () => number;
}

type KeySource =
	{ kind: 'environment'; signer: VendorSigningKey } | { kind: 'database'; kek: KeyEncryptionKey | null };

/**
 * The signer of this node, always the deployment's active key give or take `revalidateMs`, and the
 * signed key set that GET /api/v1/keys publishes. Checking costs one small statement every
 * `revalidateMs` at most, not one per request; a new active key is opened (decrypted) once.
 */
export class SigningKeys {
	private signer: VendorSigningKey | null = null;
	private issuedAt = -1;
	private checkedAt = -Infinity;
	private checking: Promise<void> | null = null;
	private keySetCache: { issuedAt: number; kid: string; set: Promise<PublishedKeySet> } | null = null;
	private readonly revalidateMs: number;
	private readonly clock: () => number;

	constructor(
		private readonly db: Db,
		private readonly source: KeySource,
		options: SigningKeysOptions = {}
	) {
		this.revalidateMs = options.revalidateMs ?? KEY_REVALIDATE_MS;
		this.clock = options.clock ?? (() => performance.now());
	}

	/** The key to sign with now. Rejects with a SigningKeyError when this node cannot open it. */
	async current(): Promise<VendorSigningKey> {
		if (!this.signer || this.clock() - this.checkedAt >= this.revalidateMs) {
			this.checking ??= this.check().finally(() => (this.checking = null));
			await this.checking;
		}
		return this.signer!;
	}

	/** The body of GET /api/v1/keys: the key set signed by the active key, with the seal key. */
	async keySet(): Promise<PublishedKeySet> {
		const signer = await this.current();
		const cached = this.keySetCache;
		if (cached && cached.issuedAt === this.issuedAt && cached.kid === signer.kid) return cached.set;
		const set = this.buildKeySet(signer);
		this.keySetCache = { issuedAt: this.issuedAt, kid: signer.kid, set };
		set.catch(() => {
			if (this.keySetCache?.set === set) this.keySetCache = null;
		});
		return set;
	}

	private async check(): Promise<void> {
		const state = await readKeyState(this.db);
		if (this.source.kind === 'environment') {
			this.signer = this.source.signer;
		} else {
			if (!state.active)
				throw new SigningKeyError(
					'The database has no active signing key: restart the server, or run `npm run admin -- key rotate`.'
				);
			if (this.signer?.kid !== state.active.kid)
				this.signer = signerFromSeed(openSeed(state.active, this.source.kek), 'database');
		}
		this.issuedAt = state.issuedAt;
		this.checkedAt = this.clock();
	}

	private async buildKeySet(signer: VendorSigningKey): Promise<PublishedKeySet> {
		// The rows and the issue time must belong together (each change bumps the time in its own
		// transaction): read the time on both sides of the rows, and again if a change came between.
		for (;;) {
			const before = await readIssuedAt(this.db);
			const { keys, withdrawn } = await publishedKeyEntries(this.db);
			const after = await readIssuedAt(this.db);
			if (before !== after) continue;
			const seal = await publishedSealKey(signer);
			if (keys[0]?.status !== 'active' || keys[0].kid !== signer.kid) {
				// SIGNING_KEY of this node is not the database's active key (another node's start
				// replaced it): publish the set unsigned rather than signed by a key it does not name.
				return { keys, ...(withdrawn.length > 0 && { withdrawn }), issuedAt: after, seal };
			}
			const set = { keys, ...(withdrawn.length > 0 && { withdrawn }), seal };
			return signKeySet(set, after, signer);
		}
	}
}

/**
 * Prepares this node's keys at start-up: SIGNING_KEY registered as the active key, or else the KEK
 * loaded (its file created on first start), signing-keys.json of earlier versions imported once, the
 * deployment's first key made if there is none. With `requireUsableKey` (the server), a node that
 * cannot open the active key refuses to start with a SigningKeyError naming what to set.
 */
export async function openSigningKeys(
	db: Db,
	config: ServerConfig,
	now: number,
	options: SigningKeysOptions & { requireUsableKey?: boolean } = {}
): Promise<SigningKeys> {
	if (config.signingKeySeed) {
		const signer = signerFromSeed(config.signingKeySeed, 'environment');
		await registerEnvironmentKey(db, config, signer, now);
		return new SigningKeys(db, { kind: 'environment', signer }, options);
	}
	const kek = loadKeyEncryptionKey(config, { create: true })!;
	await importLegacyKeyFile(db, config, kek, now);
	await ensureActiveKey(db, kek, now);
	const keys = new SigningKeys(db, { kind: 'database', kek }, options);
	if (options.requireUsableKey ?? true) await keys.current();
	return keys;
}

export type KeyCommandResult<T> = ({ ok: true } & T) | { ok: false; code: string; message: string };

const FROM_ENVIRONMENT = {
	ok: false,
	code: 'key_from_environment',
	message:
		'The signing key comes from SIGNING_KEY: set a new value there (and keep the old public key published).'
} as const;

/**
 * Makes a new active key, introduced by the previous one, which stays as verify-only (its private
 * part erased). Every node signs with the new key within KEY_REVALIDATE_MS, without a restart.
 * `expectedKid`: rotate only if that key is the active one (`key retire` of the active key).
 */
export async function rotateSigningKey(
	db: Db,
	config: ServerConfig,
	now: number,
	expectedKid?: string
): Promise<KeyCommandResult<{ kid: string; previousKid: string | null; introduced: boolean }>> {
	if (config.signingKeySeed) return FROM_ENVIRONMENT;
	const kek = loadKeyEncryptionKey(config, { create: true })!;
	return db.transaction().execute(async (tx) => {
		const issuedAt = await lockKeySet(tx);
		const active = await findActiveKey(tx);
		if (expectedKid !== undefined && active?.kid !== expectedKid)
			return { ok: false, code: 'key_not_active', message: `${expectedKid} is not the active key.` } as const;
		let previous: VendorSigningKey | null = null;
		if (active?.sealed_seed) {
			// A node (or this CLI) with another KEK must not make a key the others cannot open.
			const seed = kek.open(active.sealed_seed, active.kid);
			if (!seed)
				return { ok: false, code: 'key_encryption_mismatch', message: kekMessage(kek, active.kid) } as const;
			previous = signerFromSeed(seed);
		}
		if (active) await retireKey(tx, active.kid, now);
		const next = await installNewKey(tx, kek, previous, now);
		await touchKeySet(tx, issuedAt, now);
		await recordAuditEvent(
			tx,
			expectedKid === undefined
				? {
						kind: 'key.rotation',
						actor: 'admin',
						detail: { kid: next.kid, previousKid: active?.kid ?? null }
					}
				: { kind: 'key.retirement', actor: 'admin', detail: { kid: expectedKid, newActiveKid: next.kid } },
			now
		);
		return {
			ok: true,
			kid: next.kid,
			previousKid: active?.kid ?? null,
			introduced: previous !== null
		} as const;
	});
}

/**
 * `key retire KID`: the key stops signing and only verifies. The active key is replaced by a new one
 * (a rotation); a verify-only key is left as it is; a withdrawn key stays withdrawn.
 */
export async function retireSigningKey(
	db: Db,
	config: ServerConfig,
	kid: string,
	now: number
): Promise<KeyCommandResult<{ kid: string; changed: boolean; newActiveKid: string | null }>> {
	const row = await findKey(db, kid);
	if (!row) return { ok: false, code: 'unknown_key', message: `There is no key ${kid} (see key list).` };
	if (row.withdrawn_at !== null)
		return { ok: false, code: 'key_withdrawn', message: `Key ${kid} was withdrawn; a withdrawal is final.` };
	if (row.status !== 'active') return { ok: true, kid, changed: false, newActiveKid: null };
	const rotated = await rotateSigningKey(db, config, now, kid);
	if (!rotated.ok) return rotated;
	return { ok: true, kid, changed: true, newActiveKid: rotated.kid };
}

/** `key withdraw KID`: devices stop trusting the key at their next refresh. Never the active key. */
export async function withdrawSigningKey(
	db: Db,
	kid: string,
	now: number
): Promise<KeyCommandResult<{ kid: string; changed: boolean }>> {
	return db.transaction().execute(async (tx) => {
		const issuedAt = await lockKeySet(tx);
		const row = await findKey(tx, kid);
		if (!row)
			return { ok: false, code: 'unknown_key', message: `There is no key ${kid} (see key list).` } as const;
		if (row.status === 'active')
			return {
				ok: false,
				code: 'key_active',
				message: `Key ${kid} is the active key: run key rotate first, then withdraw it.`
			} as const;
		if (row.withdrawn_at !== null) return { ok: true, kid, changed: false } as const;
		await withdrawKey(tx, kid, now);
		await touchKeySet(tx, issuedAt, now);
		await recordAuditEvent(tx, { kind: 'key.withdrawal', actor: 'admin', detail: { kid } }, now);
		return { ok: true, kid, changed: true } as const;
	});
}

export interface KeyListing {
	kid: string;
	status: 'active' | 'verify-only' | 'withdrawn';
	createdAt: string;
	retiredAt: string | null;
	withdrawnAt: string | null;
	introducedBy: string | null;
	/** Whether the database holds its private part (encrypted). */
	hasPrivateKey: boolean;
}

export async function listKeys(db: Db): Promise<KeyListing[]> {
	const iso = (time: number | null) => (time === null ? null : new Date(Number(time)).toISOString());
	return (await listSigningKeys(db)).map((row) => ({
		kid: row.kid,
		status: row.withdrawn_at !== null ? 'withdrawn' : row.status,
		createdAt: iso(row.created_at)!,
		retiredAt: iso(row.retired_at),
		withdrawnAt: iso(row.withdrawn_at),
		introducedBy: row.introduced_by,
		hasPrivateKey: row.sealed_seed !== null
	}));
}

/** The trusted keys (active, then verify-only newest first; at most 64) and the withdrawn kids. */
async function publishedKeyEntries(db: Db): Promise<{ keys: PublishedKey[]; withdrawn: string[] }> {
	const rows = await listSigningKeys(db);
	const keys = rows
		.filter((row) => row.withdrawn_at === null)
		.slice(0, 64)
		.map((row): PublishedKey => {
			const entry: PublishedKey = {
				kid: row.kid,
				alg: 'Ed25519',
				publicKey: row.public_key,
				status: row.status,
				createdAt: new Date(Number(row.created_at)).toISOString()
			};
			if (row.introduced_by !== null && row.introduction !== null)
				entry.introducedBy = { kid: row.introduced_by, signature: row.introduction };
			return entry;
		});
	const withdrawn = rows
		.filter((row) => row.withdrawn_at !== null)
		.sort((a, b) => Number(b.withdrawn_at) - Number(a.withdrawn_at))
		.slice(0, 64)
		.map((row) => row.kid);
	return { keys, withdrawn };
}

/** The keys the server itself trusts, unsigned (the withdrawn ones listed apart). */
export async function publishedKeys(db: Db): Promise<PublishedKeySet> {
	const { keys, withdrawn } = await publishedKeyEntries(db);
	return withdrawn.length > 0 ? { keys, withdrawn } : { keys };
}

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBase64url } from '$lib/protocol/base64url';
import { utf8 } from '$lib/protocol/bytes';
import { verify } from '$lib/protocol/ed25519';
import { judgeKeySet } from '$lib/protocol/key-set';
import { publishedKeySetSchema, trustedKeysFrom } from '$lib/protocol/vendor-keys';
import { keyIdOf } from '$lib/protocol/sync-ids';
import { parseConfig } from '../config';
import type { Db } from '../db/schema';
import { describeEachDatabase, type TestDatabase } from '../testing/databases';
import { KEK_FILE_NAME, KeyEncryptionKeyError, keyEncryptionKey } from './key-encryption';
import { IMPORTED_MARKER_NAME } from './legacy-key-file';
import { serverTrustedKeys } from './trusted-keys';
import {
	KEY_FILE_NAME,
	listKeys,
	openSigningKeys,
	publishedKeys,
	retireSigningKey,
	rotateSigningKey,
	SigningKeyError,
	SigningKeyFileError,
	signerFromSeed,
	withdrawSigningKey
} from './signing-keys.service';

const T0 = 1_750_000_000_000;
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function newFolder(): string {
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-keys-'));
	folders.push(dataDir);
	return dataDir;
}

/** A node's configuration: its own DATA_DIR; the database is the test's (passed as a handle). */
function nodeConfig(env: Record<string, string> = {}) {
	return parseConfig({ DATA_DIR: newFolder(), ...env });
}

const KEK = encodeBase64url(nacl.randomBytes(32));

/** A clock the test moves by hand, so that "a few seconds later" is exact. */
function manualClock() {
	let time = 0;
	return { now: () => time, advance: (ms: number) => (time += ms) };
}

async function activeRows(db: Db) {
	return db.selectFrom('signing_keys').selectAll().where('status', '=', 'active').execute();
}

describe('signerFromSeed', () => {
	it("signs exactly as tweetnacl does for the same seed, under the seed's key id", async () => {
		for (let i = 0; i < 5; i++) {
			const seed = nacl.randomBytes(32);
			const pair = nacl.sign.keyPair.fromSeed(seed);
			const signer = signerFromSeed(seed);
			expect(signer.publicKey).toEqual(pair.publicKey);
			expect(signer.kid).toBe(keyIdOf(pair.publicKey));
			for (const message of [new Uint8Array(0), utf8(`license/v1 message ${i}`), nacl.randomBytes(1000)]) {
				expect(await signer.sign(message)).toEqual(nacl.sign.detached(message, pair.secretKey));
			}
		}
	});

	it('exposes no private material', () => {
		const seed = nacl.randomBytes(32);
		const signer = signerFromSeed(seed);
		const text = JSON.stringify(signer);
		expect(text).not.toContain(encodeBase64url(seed));
		expect(Object.keys(signer).sort()).toEqual(['kid', 'publicKey', 'sign', 'source']);
	});
});

describe('key-encryption key', () => {
	it('opens only what it sealed, for the same kid', () => {
		const kek = keyEncryptionKey(nacl.randomBytes(32), 'environment', 'KEY_ENCRYPTION_KEY');
		const other = keyEncryptionKey(nacl.randomBytes(32), 'environment', 'KEY_ENCRYPTION_KEY');
		const seed = nacl.randomBytes(32);
		const sealed = kek.seal(seed, '0123456789abcdef');
		expect(sealed).not.toContain(encodeBase64url(seed));
		expect(kek.open(sealed, '0123456789abcdef')).toEqual(seed);
		expect(kek.open(sealed, 'fedcba9876543210')).toBeNull();
		expect(other.open(sealed, '0123456789abcdef')).toBeNull();
		for (const bad of ['', 'v1', 'v1..', 'v2.a.b', `${sealed}.x`, sealed.slice(0, -2), 'v1.😀.😀'])
			expect(kek.open(bad, '0123456789abcdef')).toBeNull();
	});
});

describeEachDatabase('signing keys', (getDb, kind, getTestDatabase) => {
	/** A second app node: its own connection pool to the same database. */
	const otherNode = (): Db => (getTestDatabase() as TestDatabase).reopen();

	it('makes the first key in the database, its seed encrypted under a KEK file (mode 0600)', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const config = nodeConfig();
		const keys = await openSigningKeys(db, config, T0);
		const signer = await keys.current();
		expect(signer.source).toBe('database');
		expect(statSync(join(config.dataDir, KEK_FILE_NAME)).mode & 0o777).toBe(0o600);
		expect(existsSync(join(config.dataDir, KEY_FILE_NAME))).toBe(false);
		const [row] = await activeRows(db);
		expect(row?.kid).toBe(signer.kid);
		expect(row?.sealed_seed).toMatch(/^v1\./);
		const again = await openSigningKeys(db, config, T0 + 1);
		expect((await again.current()).kid).toBe(signer.kid);

		const set = publishedKeySetSchema.parse(await keys.keySet());
		expect(set.keys).toEqual([
			{
				kid: signer.kid,
				alg: 'Ed25519',
				publicKey: encodeBase64url(signer.publicKey),
				status: 'active',
				createdAt: new Date(T0).toISOString()
			}
		]);
		expect(set.signature?.kid).toBe(signer.kid);
		expect(await judgeKeySet(set, null)).toEqual({ accept: true, firstContact: true });
	});

	it('gives every node the one active key, whatever the order and number of starts', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const nodes = [db, otherNode(), otherNode()];
		const configs = nodes.map(() => nodeConfig({ KEY_ENCRYPTION_KEY: KEK }));
		// Three nodes starting at once on a database without a key make one key between them. (SQLite:
		// one after the other; its connections in one process would wait on each other's lock
		// synchronously, and several nodes on one SQLite file are not a deployment anyway.)
		const start = (node: Db, i: number) => openSigningKeys(node, configs[i]!, T0 + i);
		const started =
			kind === 'postgres'
				? await Promise.all(nodes.map(start))
				: [await start(nodes[0]!, 0), await start(nodes[1]!, 1), await start(nodes[2]!, 2)];
		const kids = await Promise.all(started.map(async (keys) => (await keys.current()).kid));
		expect(new Set(kids).size).toBe(1);
		// Restarts and admin commands on any node never move the active key.
		for (let round = 0; round < 3; round++) {
			for (const [i, node] of nodes.entries()) {
				const keys = await openSigningKeys(node, configs[i]!, T0 + 10 + round);
				expect((await keys.current()).kid).toBe(kids[0]);
			}
		}
		expect((await activeRows(db)).map((row) => row.kid)).toEqual([kids[0]]);
		expect(await db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
	});

	it('refuses to start a node whose KEK cannot open the active key, naming KEY_ENCRYPTION_KEY', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const first = await openSigningKeys(db, nodeConfig({ KEY_ENCRYPTION_KEY: KEK }), T0);
		const kid = (await first.current()).kid;
		const before = await db.selectFrom('signing_keys').selectAll().execute();
		// No KEY_ENCRYPTION_KEY: this node makes a KEK file of its own, which opens nothing.
		const envs: Record<string, string>[] = [
			{},
			{ KEY_ENCRYPTION_KEY: encodeBase64url(nacl.randomBytes(32)) }
		];
		for (const env of envs) {
			const attempt = openSigningKeys(otherNode(), nodeConfig(env), T0 + 1);
			await expect(attempt).rejects.toBeInstanceOf(SigningKeyError);
			await expect(attempt).rejects.toThrow(/KEY_ENCRYPTION_KEY/);
			await expect(attempt).rejects.toThrow(kid);
		}
		// Nor can such a node rotate: it would make a key the others cannot open.
		expect(await rotateSigningKey(otherNode(), nodeConfig(), T0 + 2)).toMatchObject({
			ok: false,
			code: 'key_encryption_mismatch'
		});
		expect(await db.selectFrom('signing_keys').selectAll().execute()).toEqual(before);
	});

	it('rotates on every node without a restart, within the revalidation delay', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const clock = manualClock();
		const a = await openSigningKeys(db, nodeConfig({ KEY_ENCRYPTION_KEY: KEK }), T0, { clock: clock.now });
		const bDb = otherNode();
		const b = await openSigningKeys(bDb, nodeConfig({ KEY_ENCRYPTION_KEY: KEK }), T0, { clock: clock.now });
		const old = await a.current();
		expect((await b.current()).kid).toBe(old.kid);
		const oldSet = await b.keySet();
		const message = utf8('signed before rotation');
		const oldSignature = await old.sign(message);

		// The admin CLI, a third process with the deployment's KEK.
		const rotated = await rotateSigningKey(otherNode(), nodeConfig({ KEY_ENCRYPTION_KEY: KEK }), T0 + 1000);
		if (!rotated.ok) throw new Error(rotated.message);
		expect(rotated).toMatchObject({ previousKid: old.kid, introduced: true });

		// Cached: no database read before the delay (the activation path), the new key right after.
		clock.advance(1_999);
		expect((await b.current()).kid).toBe(old.kid);
		clock.advance(1);
		expect((await b.current()).kid).toBe(rotated.kid);
		expect((await a.current()).kid).toBe(rotated.kid);

		const set = publishedKeySetSchema.parse(await b.keySet());
		expect(set.keys.map((k) => [k.kid, k.status])).toEqual([
			[rotated.kid, 'active'],
			[old.kid, 'verify-only']
		]);
		expect(set.signature?.kid).toBe(rotated.kid);
		expect(set.issuedAt).toBeGreaterThan(oldSet.issuedAt!);
		// A device that trusts only the old key follows the introduction to the new one.
		expect(await judgeKeySet(set, { keys: [oldSet.keys[0]!], issuedAt: oldSet.issuedAt })).toEqual({
			accept: true,
			firstContact: false
		});
		const trusted = await trustedKeysFrom(set);
		expect(await verify(message, oldSignature, trusted.get(old.kid)!.publicKey)).toBe(true);
		// The retired key's private part is gone from the database.
		const oldRow = await db
			.selectFrom('signing_keys')
			.selectAll()
			.where('kid', '=', old.kid)
			.executeTakeFirst();
		expect(oldRow).toMatchObject({ status: 'verify-only', sealed_seed: null, retired_at: T0 + 1000 });
	});

	it('imports signing-keys.json of earlier versions once, keeping the file and its retired keys', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const config = nodeConfig();
		const seed = nacl.randomBytes(32);
		const active = signerFromSeed(seed);
		const retired = nacl.sign.keyPair();
		const retiredKid = keyIdOf(retired.publicKey);
		const text = JSON.stringify({
			version: 1,
			active: {
				kid: active.kid,
				seed: encodeBase64url(seed),
				publicKey: encodeBase64url(active.publicKey),
				createdAt: T0
			},
			retired: [
				{ kid: retiredKid, publicKey: encodeBase64url(retired.publicKey), createdAt: T0 - 10, retiredAt: T0 }
			]
		});
		const path = join(config.dataDir, KEY_FILE_NAME);
		writeFileSync(path, text, { mode: 0o644 });
		// What an earlier version registered: only the public parts.
		await db
			.insertInto('signing_keys')
			.values({
				kid: active.kid,
				public_key: encodeBase64url(active.publicKey),
				status: 'active',
				created_at: T0
			})
			.execute();

		const keys = await openSigningKeys(db, config, T0 + 5);
		expect((await keys.current()).kid).toBe(active.kid);
		expect(readFileSync(path, 'utf8')).toBe(text);
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(existsSync(join(config.dataDir, IMPORTED_MARKER_NAME))).toBe(true);
		expect((await listKeys(db)).map((k) => [k.kid, k.status, k.hasPrivateKey])).toEqual([
			[active.kid, 'active', true],
			[retiredKid, 'verify-only', false]
		]);

		// Withdrawn, the retired key stays withdrawn across restarts (it is not registered again).
		expect(await withdrawSigningKey(db, retiredKid, T0 + 6)).toMatchObject({ ok: true, changed: true });
		await openSigningKeys(db, config, T0 + 7);
		const set = await publishedKeys(db);
		expect(set.keys.map((k) => k.kid)).toEqual([active.kid]);
		expect(set.withdrawn).toEqual([retiredKid]);
	});

	it("imports a second node's old key file as verify-only when the database's key has a private part", async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const first = await openSigningKeys(db, nodeConfig({ KEY_ENCRYPTION_KEY: KEK }), T0);
		const kid = (await first.current()).kid;
		const config = nodeConfig({ KEY_ENCRYPTION_KEY: KEK });
		const seed = nacl.randomBytes(32);
		const own = signerFromSeed(seed);
		writeFileSync(
			join(config.dataDir, KEY_FILE_NAME),
			JSON.stringify({
				version: 1,
				active: {
					kid: own.kid,
					seed: encodeBase64url(seed),
					publicKey: encodeBase64url(own.publicKey),
					createdAt: T0
				},
				retired: []
			})
		);
		const second = await openSigningKeys(otherNode(), config, T0 + 1);
		expect((await second.current()).kid).toBe(kid);
		expect((await publishedKeys(db)).keys.map((k) => [k.kid, k.status])).toEqual([
			[kid, 'active'],
			[own.kid, 'verify-only']
		]);
	});

	it('retires and withdraws: never the active key, a withdrawal is final and drops the key from trust', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const config = nodeConfig({ KEY_ENCRYPTION_KEY: KEK });
		const keys = await openSigningKeys(db, config, T0, { revalidateMs: 0 });
		const first = (await keys.current()).kid;
		const before = await db.selectFrom('signing_keys').selectAll().execute();
		expect(await withdrawSigningKey(db, first, T0 + 1)).toMatchObject({ ok: false, code: 'key_active' });
		expect(await withdrawSigningKey(db, '0000000000000000', T0 + 1)).toMatchObject({
			ok: false,
			code: 'unknown_key'
		});
		expect(await db.selectFrom('signing_keys').selectAll().execute()).toEqual(before);

		// Retiring the active key replaces it (a rotation); retiring a verify-only key changes nothing.
		const retired = await retireSigningKey(db, config, first, T0 + 2);
		if (!retired.ok || !retired.newActiveKid) throw new Error('not retired');
		expect((await keys.current()).kid).toBe(retired.newActiveKid);
		expect(await retireSigningKey(db, config, first, T0 + 3)).toMatchObject({ ok: true, changed: false });

		const setBefore = await keys.keySet();
		expect(await withdrawSigningKey(db, first, T0 + 4)).toMatchObject({ ok: true, changed: true });
		expect(await withdrawSigningKey(db, first, T0 + 5)).toMatchObject({ ok: true, changed: false });
		expect(await retireSigningKey(db, config, first, T0 + 6)).toMatchObject({
			ok: false,
			code: 'key_withdrawn'
		});

		const set = publishedKeySetSchema.parse(await keys.keySet());
		expect(set.keys.map((k) => k.kid)).toEqual([retired.newActiveKid]);
		expect(set.withdrawn).toEqual([first]);
		expect(set.issuedAt).toBeGreaterThan(setBefore.issuedAt!);
		// The server stops trusting it too (emergency codes it signed).
		expect([...(await serverTrustedKeys(db)).keys()]).toEqual([retired.newActiveKid]);
		// A device holding the set before takes the withdrawal.
		expect(await judgeKeySet(set, setBefore)).toMatchObject({ accept: true });
		expect((await listKeys(db)).find((k) => k.kid === first)?.status).toBe('withdrawn');
	});

	it('uses SIGNING_KEY when set (no KEK needed), and refuses to rotate or withdraw it', async () => {
		const db = otherNode();
		await db.deleteFrom('signing_keys').execute();
		const previous = await openSigningKeys(db, nodeConfig({ KEY_ENCRYPTION_KEY: KEK }), T0);
		const previousKid = (await previous.current()).kid;
		const seed = nacl.randomBytes(32);
		const config = nodeConfig({ SIGNING_KEY: encodeBase64url(seed), KEY_ENCRYPTION_KEY: KEK });
		const keys = await openSigningKeys(db, config, T0 + 1);
		const key = await keys.current();
		expect(key.source).toBe('environment');
		expect(key.kid).toBe(keyIdOf(nacl.sign.keyPair.fromSeed(seed).publicKey));
		expect(existsSync(join(config.dataDir, KEK_FILE_NAME))).toBe(false);
		expect(await rotateSigningKey(db, config, T0 + 2)).toMatchObject({
			ok: false,
			code: 'key_from_environment'
		});
		expect(await withdrawSigningKey(db, key.kid, T0 + 2)).toMatchObject({ ok: false, code: 'key_active' });
		const set = publishedKeySetSchema.parse(await keys.keySet());
		expect(set.keys.map((k) => [k.kid, k.status])).toEqual([
			[key.kid, 'active'],
			[previousKid, 'verify-only']
		]);
		// The outgoing key (its KEK given) introduced SIGNING_KEY's, so devices follow.
		expect(set.keys[0]?.introducedBy?.kid).toBe(previousKid);
		expect(await judgeKeySet(set, { keys: [set.keys[1]!], issuedAt: 1 })).toMatchObject({ accept: true });
		// Its seed never reaches the database.
		const row = await db.selectFrom('signing_keys').selectAll().where('kid', '=', key.kid).executeTakeFirst();
		expect(row?.sealed_seed).toBeNull();
	});

	it('refuses damaged key files without printing their content', async () => {
		const db = otherNode();
		const config = nodeConfig();
		const kekPath = join(config.dataDir, KEK_FILE_NAME);
		writeFileSync(kekPath, 'not-a-key-at-all-but-secret\n', { mode: 0o644 });
		const attempt = openSigningKeys(db, config, T0);
		await expect(attempt).rejects.toBeInstanceOf(KeyEncryptionKeyError);
		await expect(attempt).rejects.not.toThrow('not-a-key-at-all');
		expect(statSync(kekPath).mode & 0o777).toBe(0o600);

		const other = nodeConfig({ KEY_ENCRYPTION_KEY: KEK });
		const seed = encodeBase64url(nacl.randomBytes(32));
		const path = join(other.dataDir, KEY_FILE_NAME);
		writeFileSync(path, `{"version":1,"active":{"seed":"${seed}"`);
		await expect(openSigningKeys(db, other, T0)).rejects.toThrow(/not valid JSON/);
		writeFileSync(
			path,
			JSON.stringify({ version: 1, active: { kid: 'x', seed, publicKey: seed, createdAt: T0 }, retired: [] })
		);
		const mismatch = openSigningKeys(db, other, T0);
		await expect(mismatch).rejects.toBeInstanceOf(SigningKeyFileError);
		await expect(mismatch).rejects.not.toThrow(seed);
		chmodSync(path, 0o600);
	});
});

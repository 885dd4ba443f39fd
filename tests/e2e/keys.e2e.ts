// Two built server nodes on one PostgreSQL: one signing key between them; a node with another
// key-encryption key refuses to start; a rotation and a withdrawal made with the admin CLI reach both
// nodes without a restart; a device following the signed key set then refuses files signed by the
// withdrawn key (license_unknown_key), and a forged set changes nothing.
import { expect, test } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { encodeBase64url } from '../../src/lib/protocol/base64url';
import { generateKeyPair } from '../../src/lib/protocol/ed25519-tweetnacl';
import { signerFromKeyPair } from '../../src/lib/protocol/ed25519';
import { judgeKeySet, mergeAcceptedKeySet, signKeySet } from '../../src/lib/protocol/key-set';
import { verifyLicenseFile } from '../../src/lib/protocol/license-file';
import { keyIdOf } from '../../src/lib/protocol/sync-ids';
import {
	publishedKeySetSchema,
	trustedKeysFrom,
	type PublishedKeySet
} from '../../src/lib/protocol/vendor-keys';
import { newTestDevice } from './support/device';
import { startOwnServer } from './support/own-server';
import { ADMIN_CLI } from './support/admin';

/** reliability.e2e.ts +21 … brute-force +25, +26, +31 are taken. */
const PORT = Number(process.env.E2E_PORT ?? 4173) + 27;
const POSTGRES = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function onPostgres(text: string): Promise<void> {
	const client = new pg.Client({ connectionString: POSTGRES });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

test('two PostgreSQL nodes sign with one key; rotation and withdrawal reach both without a restart', async () => {
	test.setTimeout(180_000);
	const name = `airlock_e2e_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
	await onPostgres(`create database ${name}`);
	const url = new URL(POSTGRES);
	url.pathname = `/${name}`;
	const shared = {
		DATABASE_URL: url.toString(),
		KEY_ENCRYPTION_KEY: encodeBase64url(crypto.getRandomValues(new Uint8Array(32)))
	};
	const folders = [0, 1, 2, 3].map(() => mkdtempSync(join(tmpdir(), 'airlock-keys-e2e-')));
	const admin = (args: string[], env: Record<string, string> = shared) =>
		JSON.parse(
			execFileSync(process.execPath, [ADMIN_CLI, ...args, '--json'], {
				env: { ...process.env, DATA_DIR: folders[3]!, SIGNING_KEY: '', ...env },
				encoding: 'utf8'
			})
		);
	const email = `keys-${Date.now()}@example.com`;
	const password = `pw-${crypto.randomUUID()}`;
	admin(['account', 'create', '--email', email, '--password', password]);
	const license = admin(['license', 'create', '--product', 'SRV', '--email', email, '--seats', '5']).number;

	// Kept-alive connections outlive the admin commands between requests (as `npm start` sets them):
	// with Node's default of 5 s a node may close one just as it is reused.
	const nodeEnv = { ...shared, KEEP_ALIVE_TIMEOUT: '65', HEADERS_TIMEOUT: '66' };
	const nodes = [
		await startOwnServer({ port: PORT, dataDir: folders[0]!, env: nodeEnv }),
		await startOwnServer({ port: PORT + 1, dataDir: folders[1]!, env: nodeEnv })
	];
	const keySet = async (node: number) =>
		publishedKeySetSchema.parse(await (await fetch(`${nodes[node]!.url}/api/v1/keys`)).json());
	const activate = async (node: number) => {
		const base = nodes[node]!.url;
		const headers = { origin: base, 'content-type': 'application/json' };
		const session = await fetch(`${base}/api/v1/session`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ email, password })
		});
		expect(session.status).toBe(200);
		const device = newTestDevice();
		const response = await fetch(`${base}/api/v1/activations`, {
			method: 'POST',
			headers: {
				...headers,
				cookie: session.headers
					.getSetCookie()
					.map((c) => c.split(';')[0])
					.join('; ')
			},
			body: JSON.stringify({ request: await device.regFile(email, [license]) })
		});
		expect(response.status).toBe(200);
		const body = (await response.json()) as { licenses: { file: string }[] };
		return { file: body.licenses[0]!.file, device };
	};
	const waitForActive = async (node: number, kid: string) => {
		const started = Date.now();
		while ((await keySet(node)).signature?.kid !== kid) {
			expect(Date.now() - started).toBeLessThan(10_000);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		return Date.now() - started;
	};

	try {
		// One key, whichever node answers.
		const first = await keySet(0);
		expect(await keySet(1)).toEqual(first);
		const firstKid = first.signature!.kid;
		expect(first.keys.map((key) => key.kid)).toEqual([firstKid]);

		// A third node without the deployment's KEK refuses to start, and says what to set.
		const refused = spawn(process.execPath, ['build/index.js'], {
			env: {
				...process.env,
				PORT: String(PORT + 2),
				DATA_DIR: folders[2]!,
				DATABASE_URL: shared.DATABASE_URL,
				SEED_DEMO: 'false'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		refused.stdout.on('data', (chunk) => (output += chunk));
		refused.stderr.on('data', (chunk) => (output += chunk));
		const killer = setTimeout(() => refused.kill('SIGKILL'), 30_000);
		const [code] = await once(refused, 'exit');
		clearTimeout(killer);
		expect(code).not.toBe(0);
		expect(output).toContain('KEY_ENCRYPTION_KEY');
		expect(output).toContain(firstKid);

		// The device: first contact, then a file signed by the first key.
		let stored: PublishedKeySet = first;
		const old = await activate(1);
		const take = async (received: PublishedKeySet) => {
			const verdict = await judgeKeySet(received, stored);
			if (verdict.accept) stored = mergeAcceptedKeySet(received, stored);
			return verdict.accept;
		};

		// Rotated by the CLI (a third process): both nodes sign with the new key within 2 s.
		const rotated = admin(['key', 'rotate']);
		expect(rotated).toMatchObject({ previousKid: firstKid, introduced: true });
		const delays = [await waitForActive(0, rotated.kid), await waitForActive(1, rotated.kid)];
		expect(Math.max(...delays)).toBeLessThan(3_000);
		const fresh = await activate(0);
		expect(fresh.file).toContain(`Key-Id: ${rotated.kid}`);
		expect(await take(await keySet(1))).toBe(true);

		// A forged set (a key of the attacker's, withdrawing the vendor's) changes nothing.
		const attacker = generateKeyPair();
		const forged = await signKeySet(
			{
				keys: [
					{
						kid: keyIdOf(attacker.publicKey),
						alg: 'Ed25519',
						publicKey: encodeBase64url(attacker.publicKey),
						status: 'active',
						createdAt: 'now'
					}
				],
				withdrawn: [firstKid, rotated.kid]
			},
			Date.now() + 86_400_000,
			{ ...signerFromKeyPair(attacker), kid: keyIdOf(attacker.publicKey) }
		);
		expect(await take(forged)).toBe(false);

		// Withdrawn: both nodes publish it as such; the device drops the key and refuses its files.
		admin(['key', 'withdraw', firstKid]);
		const started = Date.now();
		while (!(await keySet(1)).withdrawn?.includes(firstKid)) {
			expect(Date.now() - started).toBeLessThan(10_000);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const afterWithdrawal = await keySet(0);
		expect(afterWithdrawal.withdrawn).toEqual([firstKid]);
		expect(await take(afterWithdrawal)).toBe(true);
		// The set before the withdrawal, replayed, does not bring the key back.
		expect(await take({ ...first })).toBe(false);
		const trustedKeys = await trustedKeysFrom(stored);
		const verdictOf = async (issued: { file: string; device: ReturnType<typeof newTestDevice> }) =>
			verifyLicenseFile(issued.file, {
				trustedKeys,
				devicePublicKey: issued.device.keyPair.publicKey,
				now: Date.now()
			});
		expect(await verdictOf(old)).toMatchObject({ ok: false, error: { code: 'license_unknown_key' } });
		expect((await verdictOf(fresh)).ok).toBe(true);
	} finally {
		for (const node of nodes) await node.stop();
		await onPostgres(`drop database if exists ${name} with (force)`);
		for (const folder of folders) rmSync(folder, { recursive: true, force: true });
	}
});

// Runs the real CLI (scripts/admin.js → tsx → cli.ts) against a temporary DATA_DIR.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LICENSE_NUMBER_PATTERN } from '$lib/protocol/license-number';
import { parseConfig } from '../config';
import { openServerContext } from '../context';
import { announceServer } from '../db/running-server';
import { main } from './cli';
import { migrations } from '../db/migrations';

const LATEST_MIGRATION = Object.keys(migrations).at(-1);

const root = resolve(import.meta.dirname, '../../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function admin(...args: string[]) {
	const result = spawnSync(process.execPath, [join(root, 'scripts/admin.js'), ...args], {
		cwd: root,
		env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', SIGNING_KEY: '' },
		encoding: 'utf8',
		timeout: 60_000
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('admin CLI', () => {
	it('creates accounts and licenses, lists them, rotates the key', () => {
		const created = admin(
			'account',
			'create',
			'--email',
			'Buyer@Example.test',
			'--password',
			'buyer-password',
			'--json'
		);
		expect(created.stderr).toBe('');
		expect(created.code).toBe(0);
		expect(JSON.parse(created.stdout)).toMatchObject({ email: 'buyer@example.test' });

		const license = admin(
			'license',
			'create',
			'--product',
			'SRV',
			'--email',
			'buyer@example.test',
			'--seats',
			'2',
			'--expansion',
			'CLX'
		);
		expect(license.code).toBe(0);
		const [number, expansionLine] = license.stdout.trim().split('\n');
		expect(number).toMatch(LICENSE_NUMBER_PATTERN);
		expect(expansionLine).toMatch(/^\s+\+ CLX-.{4}-.{4}-.{4} \(CLX\)$/);

		const listed = admin('license', 'list', '--email', 'buyer@example.test', '--json');
		expect(listed.code).toBe(0);
		const licenses = JSON.parse(listed.stdout) as { number: string; parent: string | null; seats: number }[];
		expect(licenses.map((l) => [l.parent === null, l.seats])).toEqual([
			[true, 2],
			[false, 2]
		]);
		expect(licenses[0]?.number).toBe(number);

		const rotated = admin('key', 'rotate', '--json');
		expect(rotated.code).toBe(0);
		expect(JSON.parse(rotated.stdout)).toEqual({
			kid: expect.stringMatching(/^[0-9a-f]{16}$/),
			previousKid: expect.stringMatching(/^[0-9a-f]{16}$/),
			introduced: true
		});
		// The keys live in the database, their seeds under the KEK file; no key file any more.
		expect(statSync(join(dataDir, 'key-encryption-key')).mode & 0o777).toBe(0o600);
		expect(existsSync(join(dataDir, 'signing-keys.json'))).toBe(false);
		// Five CLI processes (tsx each): about 27 s on the shared 2-core machine, so more than the default.
	}, 90_000);

	it('adds demo data only to an empty database', () => {
		const refused = admin('demo');
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('already has accounts');
	});

	it('exits 2 with the usage on bad arguments', () => {
		const bad = admin('license', 'create', '--product', 'DEV', '--email', 'a@b.test', '--seats', 'many');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('--seats: expected a whole number');
		expect(bad.stderr).toContain('Usage:');
	});

	it('reports refusals and bad configuration (in process)', async () => {
		const out: string[] = [];
		const err: string[] = [];
		const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
		const argv = ['license', 'create', '--product', 'DEV', '--email', 'nobody@b.test', '--json'];
		expect(await main(argv, { DATA_DIR: dataDir }, io)).toBe(1);
		expect(JSON.parse(err.pop()!)).toEqual({
			error: { code: 'unknown_account', message: expect.any(String) }
		});
		expect(await main(['license', 'list'], { DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' }, io)).toBe(2);
		expect(err.pop()).toContain('DATABASE_URL: expected a postgres://');
		expect(await main(['help'], {}, io)).toBe(0);
		expect(out.pop()).toContain('Usage:');
	});

	it('lists, retires and withdraws keys; a running server signs with the new key without a restart', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'airlock-cli-keys-'));
		try {
			const env = { DATA_DIR: folder };
			let time = 0;
			const server = await openServerContext(parseConfig(env), {
				seedDemo: false,
				signingKeys: { clock: () => time }
			});
			const out: string[] = [];
			const err: string[] = [];
			const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
			const cli = async (...argv: string[]) => {
				const code = await main([...argv, '--json'], env, io);
				return { code, json: code === 0 ? JSON.parse(out.pop()!) : JSON.parse(err.pop()!) };
			};
			try {
				const first = (await server.signingKeys.current()).kid;
				const list = await cli('key', 'list');
				expect(list.json).toEqual([
					expect.objectContaining({ kid: first, status: 'active', hasPrivateKey: true, introducedBy: null })
				]);
				expect(await cli('key', 'withdraw', first)).toMatchObject({
					code: 1,
					json: { error: { code: 'key_active' } }
				});

				const retired = await cli('key', 'retire', first);
				expect(retired).toMatchObject({ code: 0, json: { kid: first, changed: true } });
				const second = retired.json.newActiveKid as string;
				expect((await server.signingKeys.current()).kid).toBe(first);
				time += 2_000;
				expect((await server.signingKeys.current()).kid).toBe(second);

				expect(await cli('key', 'withdraw', first.toUpperCase())).toMatchObject({
					code: 0,
					json: { kid: first, changed: true }
				});
				expect((await cli('key', 'list')).json).toEqual([
					expect.objectContaining({ kid: second, status: 'active', introducedBy: first }),
					expect.objectContaining({ kid: first, status: 'withdrawn', hasPrivateKey: false })
				]);
				const set = await server.signingKeys.keySet();
				expect(set.keys.map((key) => key.kid)).toEqual([second]);
				expect(set.withdrawn).toEqual([first]);

				expect(await cli('key', 'retire', first)).toMatchObject({
					code: 1,
					json: { error: { code: 'key_withdrawn' } }
				});
				expect(await cli('key', 'withdraw', '0123456789abcdef')).toMatchObject({
					code: 1,
					json: { error: { code: 'unknown_key' } }
				});
				expect(await main(['key', 'withdraw', 'nope'], env, io)).toBe(2);
				expect(err.pop()).toContain('not a key id');
				expect(await main(['key', 'withdraw'], env, io)).toBe(2);
				expect(err.pop()).toContain("needs the key's id");
			} finally {
				await server.db.destroy();
			}
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('backs up and restores the SQLite database; restore waits for the server to stop; PostgreSQL points to pg_dump', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'airlock-cli-backup-'));
		try {
			const env = { DATA_DIR: folder };
			const out: string[] = [];
			const err: string[] = [];
			const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
			const cli = async (...argv: string[]) => {
				const code = await main([...argv, '--json'], env, io);
				return { code, json: code === 0 ? JSON.parse(out.pop()!) : JSON.parse(err.pop()!) };
			};
			expect(
				await cli('account', 'create', '--email', 'kept@b.test', '--password', 'kept-password')
			).toMatchObject({
				code: 0
			});
			const backup = join(folder, 'nightly.sqlite');
			expect(await cli('backup', '--to', backup)).toMatchObject({ code: 0, json: { file: backup } });
			expect(await cli('backup', '--to', backup)).toMatchObject({
				code: 1,
				json: { error: { code: 'backup_target_exists' } }
			});
			expect(
				await cli('account', 'create', '--email', 'later@b.test', '--password', 'later-password')
			).toMatchObject({
				code: 0
			});

			// A server running on the folder: the database is not swapped under it.
			const withdraw = announceServer(folder);
			expect(await cli('restore', '--from', backup)).toMatchObject({
				code: 1,
				json: { error: { code: 'restore_server_running', message: expect.stringContaining('stop it first') } }
			});
			withdraw();
			const restored = await cli('restore', '--from', backup);
			expect(restored).toMatchObject({ code: 0, json: { migration: LATEST_MIGRATION } });
			expect(existsSync(restored.json.previous)).toBe(true);
			const listed = await cli('license', 'create', '--product', 'DEV', '--email', 'later@b.test');
			// The account made after the backup is gone with the restore; the one before it is there.
			expect(listed).toMatchObject({ code: 1, json: { error: { code: 'unknown_account' } } });
			expect(await cli('license', 'create', '--product', 'DEV', '--email', 'kept@b.test')).toMatchObject({
				code: 0
			});

			expect(await main(['backup'], env, io)).toBe(2);
			expect(err.pop()).toContain('--to is required');
			expect(await main(['restore', '--from', ' '], env, io)).toBe(2);
			expect(err.pop()).toContain('--from needs a file path');
			expect(
				await main(
					['backup', '--to', backup],
					{ ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
					io
				)
			).toBe(1);
			expect(err.pop()).toContain('pg_dump');
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});

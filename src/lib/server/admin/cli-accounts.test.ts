// `account unlock` and `account set-password` through the CLI's own entry point (in process, so
// both databases run in seconds), as a vendor types them: human and --json outputs, exit codes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Environment } from '../config';
import { DEFAULT_LOGIN_LIMITS, login, sessionFromToken } from '../accounts/auth.service';
import { TEST_PASSWORD_COST } from '../accounts/password';
import { describeEachDatabase, TEST_DATABASE_URL, type TestDatabase } from '../testing/databases';
import { main } from './cli';

const options = { passwordCost: TEST_PASSWORD_COST };
const keysDir = mkdtempSync(join(tmpdir(), 'airlock-cli-accounts-'));
afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

/** The server's configuration pointing at this test's database. */
function envFor(database: TestDatabase): Environment {
	if (database.kind === 'sqlite') return { DATA_DIR: database.location, DATABASE_URL: '', SIGNING_KEY: '' };
	const url = new URL(TEST_DATABASE_URL);
	url.pathname = `/${database.location}`;
	return { DATA_DIR: keysDir, DATABASE_URL: url.toString(), SIGNING_KEY: '' };
}

describeEachDatabase('admin CLI: account unlock and set-password', (getDb, _kind, getTestDatabase) => {
	async function admin(...argv: string[]) {
		const out: string[] = [];
		const err: string[] = [];
		const code = await main(argv, envFor(getTestDatabase()), {
			out: (text) => out.push(text),
			err: (text) => err.push(text)
		});
		return { code, out: out.join('\n'), err: err.join('\n') };
	}

	async function newAccount() {
		const email = `cli-${crypto.randomUUID().slice(0, 8)}@example.test`;
		const created = await admin('account', 'create', '--email', email, '--password', 'first password');
		expect(created).toEqual({ code: 0, out: `Account ${email} created.`, err: '' });
		return email;
	}

	async function lock(email: string, from: string) {
		for (let i = 0; i <= DEFAULT_LOGIN_LIMITS.perAccountAddress; i++)
			await login(getDb(), email, `guess-${i}`, from, Date.now(), options);
		expect(await login(getDb(), email, 'first password', from, Date.now(), options)).toMatchObject({
			code: 'rate_limited'
		});
	}

	it('account unlock lifts a lockout at once, and says whether there was one', async () => {
		const email = await newAccount();
		await lock(email, '203.0.113.9');
		expect(await admin('account', 'unlock', '--email', email.toUpperCase())).toEqual({
			code: 0,
			out: `Account ${email} unlocked: it can sign in again now.`,
			err: ''
		});
		expect((await login(getDb(), email, 'first password', '203.0.113.9', Date.now(), options)).ok).toBe(true);

		const again = await admin('account', 'unlock', '--email', email, '--json');
		expect(again.code).toBe(0);
		expect(JSON.parse(again.out)).toEqual({ email, wasLocked: false });
	});

	it('account set-password sets a password that works and ends every session of the account', async () => {
		const email = await newAccount();
		const sessions = [];
		for (let i = 0; i < 2; i++) {
			const session = await login(getDb(), email, 'first password', `198.51.100.${i}`, Date.now(), options);
			if (!session.ok) throw new Error('login failed');
			sessions.push(session.token);
		}
		expect(await admin('account', 'set-password', '--email', email, '--password', 'second password')).toEqual(
			{
				code: 0,
				out: `New password set for ${email}; 2 sessions ended, so every device signs in again with it.`,
				err: ''
			}
		);
		for (const token of sessions) expect(await sessionFromToken(getDb(), token, Date.now())).toBeNull();
		expect(await login(getDb(), email, 'first password', '198.51.100.7', Date.now(), options)).toMatchObject({
			code: 'invalid_credentials'
		});
		expect((await login(getDb(), email, 'second password', '198.51.100.7', Date.now(), options)).ok).toBe(
			true
		);

		const json = await admin(
			'account',
			'set-password',
			'--email',
			email,
			'--password',
			'third password',
			'--json'
		);
		expect(json.code).toBe(0);
		expect(JSON.parse(json.out)).toEqual({ email, sessionsEnded: 1 });
	});

	it('refuses an unknown e-mail and a too-short password with exit code 1 and a clear message', async () => {
		const email = await newAccount();
		const nobody = `nobody-${crypto.randomUUID().slice(0, 8)}@example.test`;
		expect(await admin('account', 'unlock', '--email', nobody)).toEqual({
			code: 1,
			out: '',
			err: `There is no account ${nobody}.`
		});
		const unknown = await admin(
			'account',
			'set-password',
			'--email',
			nobody,
			'--password',
			'long enough pw',
			'--json'
		);
		expect(unknown.code).toBe(1);
		expect(JSON.parse(unknown.err)).toEqual({
			error: { code: 'unknown_account', message: `There is no account ${nobody}.` }
		});
		const short = await admin('account', 'set-password', '--email', email, '--password', 'short', '--json');
		expect(short.code).toBe(1);
		expect(JSON.parse(short.err)).toEqual({
			error: { code: 'password_too_short', message: expect.stringContaining('at least 10 characters') }
		});
		// Nothing changed.
		expect((await login(getDb(), email, 'first password', '198.51.100.8', Date.now(), options)).ok).toBe(
			true
		);
	});
});

// The production path, as a vendor deploys it: docs/DEPLOY.md, run. Every `sh` block of the guide,
// in order, with bash, for real — the release made from this checkout's build with the production
// dependencies only (`npm ci --omit=dev`: no build tool, no tsx, no SvelteKit sync), the settings,
// the systemd unit (played by scripts/systemd-stand-in.js), the admin CLI, backups and a restore, an
// upgrade and going back, then the same node on PostgreSQL with pg_dump / pg_restore — in a scratch
// folder that stands for the server's /etc, /opt, /var and /usr/local (scripts/deploy-guide.js has the
// replacements). Between the blocks the check looks at what they did. Run by `npm test` after the
// suites. PRODUCTION_CHECK_PORT (default 4599): the server's port; DEPLOY_CHECK_DATABASE_URL (default
// TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test): where scratch databases are made.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureBuild, root } from './ensure-build.js';
import {
	blockForTest,
	commandLines,
	fencedBlocks,
	guidePath,
	NOT_RUN_LANGUAGES,
	RUN_LANGUAGE,
	scratchDatabases
} from './deploy-guide.js';
import { startStandIn } from './systemd-stand-in.js';

const PORT = Number(process.env.PRODUCTION_CHECK_PORT ?? 4599);
const POSTGRES =
	process.env.DEPLOY_CHECK_DATABASE_URL ||
	process.env.TEST_DATABASE_URL ||
	'postgres://postgres@127.0.0.1:5432/test';
const SERVICE = 'airlock';

function step(text) {
	console.log(`production check: ${text}`);
}

/** @param {string} text */
async function onPostgres(text) {
	const client = new pg.Client({ connectionString: POSTGRES });
	await client.connect();
	try {
		return (await client.query(text)).rows;
	} finally {
		await client.end();
	}
}

ensureBuild();
const folder = mkdtempSync(join(tmpdir(), 'airlock-deploy-'));
const test = { folder, port: PORT, databaseUrl: POSTGRES, node: process.execPath };
for (const place of [
	'etc/systemd/system',
	'etc/cron.d',
	'opt',
	'var/lib',
	'var/backups',
	'usr/local/bin',
	'tmp'
])
	mkdirSync(join(folder, place), { recursive: true });
const shims = join(folder, 'shims');
const logs = join(folder, 'journal');
mkdirSync(shims);
mkdirSync(logs);
const standIn = await startStandIn({
	unitDir: join(folder, 'etc/systemd/system'),
	logDir: logs,
	basePath: process.env.PATH ?? '/usr/bin:/bin'
});
standIn.installCommands(shims);
const databases = scratchDatabases(test);
const base = `http://127.0.0.1:${PORT}`;
const ran = [];
/** What one step saw that a later one checks. */
const seen = { adaLicense: '', afterBackupLicense: '' };
// The guide's commands get the settings from its files, not from whatever ran `npm test`.
const SETTINGS = ['DATABASE_URL', 'DATA_DIR', 'SIGNING_KEY', 'KEY_ENCRYPTION_KEY', 'ORIGIN', 'PORT', 'HOST'];
const commandEnv = Object.fromEntries(
	Object.entries({
		...process.env,
		PATH: `${shims}:${join(folder, 'usr/local/bin')}:${process.env.PATH}`
	}).filter(
		([name]) =>
			!SETTINGS.includes(name) &&
			!/^(ADDRESS_HEADER|XFF_DEPTH|METRICS_TOKEN|SEED_DEMO|NODE_NAME|LOG_LEVEL|VENDOR_)/.test(name)
	)
);

/** The admin CLI as the guide's wrapper runs it (the server's settings and data). */
function admin(...args) {
	const output = execFileSync(join(folder, 'usr/local/bin/airlock-admin'), [...args, '--json'], {
		encoding: 'utf8',
		env: commandEnv
	});
	return JSON.parse(output);
}

async function health() {
	const response = await fetch(`${base}/api/v1/health`);
	return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * What the check looks at after a block, keyed by a line the block holds (its first match). Each
 * returns a short note of what it saw.
 * @type {[string, () => Promise<string> | string][]}
 */
const afterBlocks = [
	[
		'npm ci --omit=dev',
		() => {
			for (const tool of ['vite', 'tsx', '@sveltejs/kit', 'vitest'])
				if (existsSync(join(folder, 'tmp/airlock-release/node_modules', tool)))
					throw new Error(`${tool} is in the release: it was installed without --omit=dev`);
			return 'the release has no dev dependencies';
		}
	],
	[
		'systemctl enable --now airlock',
		async () => {
			const { body } = await health();
			if (body.status !== 'ok') throw new Error(`/api/v1/health answered ${JSON.stringify(body)}`);
			if (body.vendor?.name !== 'Acme Software')
				throw new Error(`the unit did not pass the settings: vendor ${JSON.stringify(body.vendor)}`);
			const env = readFileSync(join(folder, 'etc/airlock/airlock.env'), 'utf8');
			if (!/^KEY_ENCRYPTION_KEY=[\w-]{43}$/m.test(env))
				throw new Error('no KEY_ENCRYPTION_KEY in the settings');
			if (existsSync(join(folder, 'var/lib/airlock/key-encryption-key')))
				throw new Error('the server made a key file although KEY_ENCRYPTION_KEY is set');
			return 'the server runs from the release with the settings file';
		}
	],
	[
		'grep \'"client":"203.0.113.7"\'',
		async () => {
			// What the guide says of a sign-in that bypasses the proxy.
			const bypass = await fetch(`${base}/api/v1/session`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', origin: 'https://licenses.example.com' },
				body: JSON.stringify({ email: 'nobody@example.com', password: 'not-a-password-1' })
			});
			if (bypass.status !== 500)
				throw new Error(`a sign-in without X-Forwarded-For answered ${bypass.status}`);
			return 'the request log shows the address from X-Forwarded-For; a sign-in without it fails';
		}
	],
	[
		'airlock-admin license list --email ada@example.com',
		() => {
			const licenses = admin('license', 'list', '--email', 'ada@example.com');
			if (licenses.length !== 1) throw new Error(`ada has ${licenses.length} licenses`);
			seen.adaLicense = licenses[0].number;
			return `the admin CLI made ${licenses[0].number}`;
		}
	],
	[
		'/usr/local/bin/airlock-backup',
		() => {
			// Something the backup cannot hold: the restore below must take it away.
			admin('account', 'create', '--email', 'after-backup@example.com', '--password', 'after-backup-pw-1');
			seen.afterBackupLicense = admin(
				'license',
				'create',
				'--product',
				'SRV',
				'--email',
				'after-backup@example.com'
			).number;
			const cron = readFileSync(join(folder, 'etc/cron.d/airlock-backup'), 'utf8').trim();
			const fields = cron.split(/\s+/);
			const command = fields.slice(6).join(' ');
			if (fields[5] !== 'root' || !ran.includes(command))
				throw new Error(`the cron line runs ${command}, which no block ran`);
			return 'a backup was made; the cron line runs the same script';
		}
	],
	[
		'airlock-admin restore --from',
		() => {
			const numbers = admin('license', 'list').map((license) => license.number);
			if (!numbers.includes(seen.adaLicense) || numbers.includes(seen.afterBackupLicense))
				throw new Error(`after the restore the licenses are ${numbers.join(', ')}`);
			return 'the restored database is the backup: what came after it is gone';
		}
	],
	[
		'mv /opt/airlock.next /opt/airlock',
		() => {
			if (!existsSync(join(folder, 'opt/airlock.previous/build')))
				throw new Error('the previous release was not kept');
			return 'upgraded; the previous release is kept';
		}
	],
	[
		'mv /opt/airlock.previous /opt/airlock',
		async () => {
			if ((await health()).body.status !== 'ok') throw new Error('the previous release does not answer');
			return 'back on the previous release';
		}
	],
	["grep '^airlock_http_requests_total'", () => 'the metrics answer with the token from the settings'],
	[
		'airlock-admin audit',
		() => {
			const events = admin('audit', '--account', 'ada@example.com');
			const kinds = events.map((event) => event.kind);
			if (!kinds.includes('account.creation') || !kinds.includes('license.creation'))
				throw new Error(`ada's audit events are ${kinds.join(', ') || 'none'}`);
			return `the audit log lists ada's ${kinds.join(', ')}`;
		}
	],
	[
		'cat >> /etc/airlock/airlock.env',
		async () => {
			const [main] = databases;
			const tables = await onPostgresAt(main.url, `select count(*)::int as n from kysely_migration`);
			if (!(tables[0].n > 0)) throw new Error('the node did not migrate the PostgreSQL database');
			admin('account', 'create', '--email', 'pg@example.com', '--password', 'pg-password-1');
			admin('license', 'create', '--product', 'SRV', '--email', 'pg@example.com');
			return 'the node runs on PostgreSQL; an account and a license made there';
		}
	],
	[
		'pg_restore',
		async () => {
			const licenses = admin('license', 'list', '--email', 'pg@example.com');
			if (licenses.length !== 1) throw new Error('the restored PostgreSQL database lacks the license');
			if ((await health()).body.status !== 'ok')
				throw new Error('the node on the restored database is not ok');
			return 'the node runs on the restored dump, which holds the license';
		}
	]
];

async function onPostgresAt(url, text) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query(text)).rows;
	} finally {
		await client.end();
	}
}

/** @param {string} script @param {string} name */
function runBash(script, name) {
	const file = join(folder, `${name}.sh`);
	// The trailing echo ends the last line of output (curl's answers have no newline of their own).
	writeFileSync(file, `set -euo pipefail\n${script}\necho\n`);
	return new Promise((resolve, reject) => {
		const bash = spawn('bash', [file], {
			cwd: root,
			env: commandEnv,
			stdio: ['ignore', 'inherit', 'inherit']
		});
		bash.once('exit', (code) =>
			code === 0 ? resolve(undefined) : reject(new Error(`${name} exited with ${code}: ${script}`))
		);
	});
}

let failed = false;
try {
	// A server left on the port (another run's) would answer for the guide's and hide its faults.
	if (
		await fetch(`${base}/api/v1/health`).then(
			() => true,
			() => false
		)
	)
		throw new Error(`something already answers on port ${PORT}: stop it, or set PRODUCTION_CHECK_PORT`);
	await onPostgres('select 1').catch((error) => {
		throw new Error(
			`PostgreSQL does not answer at ${POSTGRES} (the guide's part 2 needs it): ${error.message}`
		);
	});
	// The guide's database administrator: the main database exists before part 2, empty.
	await onPostgres(`create database ${new URL(databases[0].url).pathname.slice(1)}`);

	const blocks = fencedBlocks(readFileSync(guidePath, 'utf8'));
	const pending = [...afterBlocks];
	for (const [index, block] of blocks.entries()) {
		if (block.language !== RUN_LANGUAGE) {
			if (!(block.language in NOT_RUN_LANGUAGES))
				throw new Error(
					`DEPLOY.md:${block.line}: a \`${block.language || 'untagged'}\` block neither run nor listed`
				);
			continue;
		}
		step(`DEPLOY.md:${block.line} (${block.heading})`);
		const { script } = blockForTest(block.text, test);
		await runBash(script, `block-${String(index).padStart(2, '0')}`);
		ran.push(...commandLines(script));
		while (pending.length > 0 && commandLines(block.text).some((line) => line.includes(pending[0][0]))) {
			step(`  ${await pending.shift()[1]()}`);
		}
	}
	if (pending.length > 0)
		throw new Error(
			`the guide no longer holds \`${pending[0][0]}\` (or holds it out of order): update afterBlocks`
		);

	// A node that cannot reach its database: 503 with its reason and when to try again.
	const restored = databases.find((database) => database.guideName !== 'airlock');
	await onPostgres(`drop database ${new URL(restored.url).pathname.slice(1)} with (force)`);
	const cut = await health();
	if (
		cut.status !== 503 ||
		cut.body.error?.code !== 'database_unavailable' ||
		cut.headers.get('retry-after') !== '30'
	)
		throw new Error(`without its database the node answered ${cut.status} ${JSON.stringify(cut.body)}`);
	step('without its database the node answers 503 database_unavailable, Retry-After: 30');
	await standIn.stop(SERVICE);
	step(`stopped by SIGTERM: exit ${standIn.lastExit(SERVICE)}`);
} catch (error) {
	failed = true;
	console.error(`production check: ${error instanceof Error ? error.message : String(error)}`);
	const log = join(logs, `${SERVICE}.log`);
	if (existsSync(log))
		console.error(
			`--- the server's log (last lines) ---\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`
		);
} finally {
	await standIn.close();
	for (const database of databases)
		await onPostgres(`drop database if exists ${new URL(database.url).pathname.slice(1)} with (force)`).catch(
			() => undefined
		);
	rmSync(folder, { recursive: true, force: true });
}
if (failed) process.exit(1);
step('passed');

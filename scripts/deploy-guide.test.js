// docs/DEPLOY.md promises that a test runs every command in it: scripts/check-production.js runs its
// `sh` blocks. These tests fail when the guide gains a command that would escape that run — in
// another kind of block, in the prose, or swallowed by the check's list of lines it does not run —
// and check what can be checked without running it: the unit and the proxy agree with the settings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	blockForTest,
	commandLines,
	fencedBlocks,
	guidePath,
	NOT_RUN_LANGUAGES,
	NOT_RUN_LINES,
	notRunEntry,
	RUN_LANGUAGE,
	scratchDatabases
} from './deploy-guide.js';
import { parseUnit } from './systemd-stand-in.js';

const guide = readFileSync(guidePath, 'utf8');
const blocks = fencedBlocks(guide);
const shellBlocks = blocks.filter((block) => block.language === RUN_LANGUAGE);
const shellLines = shellBlocks.flatMap((block) => commandLines(block.text));
const test = {
	folder: '/tmp/airlock-deploy-AbC123',
	port: 4598,
	databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
	node: '/usr/local/nodejs/bin/node'
};

/** The body of the here-document that writes `file`, in the guide's `sh` blocks. */
function hereDocument(file) {
	for (const block of shellBlocks) {
		const lines = block.text.split('\n');
		const start = lines.findIndex((line) => line.includes(`> ${file} <<`));
		if (start < 0) continue;
		const end = /<<-?\s*'?(\w+)'?/.exec(lines[start])[1];
		return lines.slice(start + 1, lines.indexOf(end, start + 1)).join('\n');
	}
	throw new Error(`no here-document writes ${file}`);
}

describe('docs/DEPLOY.md, as the production check runs it', () => {
	it('has only blocks the check runs (sh) or configuration it names as not run', () => {
		expect(shellBlocks.length).toBeGreaterThan(10);
		for (const block of blocks)
			expect(
				block.language === RUN_LANGUAGE || block.language in NOT_RUN_LANGUAGES,
				`DEPLOY.md:${block.line} is a \`${block.language || 'untagged'}\` block`
			).toBe(true);
	});

	it('names no command in its prose that is not in an sh block', () => {
		// Programs an operator runs: any inline code starting with one is a command.
		const programs = new Set([
			...shellLines.map((line) => line.split(/\s+/)[0]),
			...['sudo', 'useradd', 'psql', 'dropdb', 'createdb', 'scp', 'rsync', 'cp', 'ln', 'git', 'npx', 'npm'],
			...['node', 'docker', 'nginx', 'caddy', 'service', 'airlock-backup', 'airlock-admin', 'cron', 'crontab']
		]);
		const prose = guide.replace(/^(`{3,}).*\n[\s\S]*?^\1\s*$/gm, '');
		const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
		const commands = spans.filter((span) =>
			programs.has(span.split(/\s+/)[0].replace(/^\/usr\/local\/bin\//, ''))
		);
		expect(commands.length).toBeGreaterThan(0);
		// Here-documents count: the scripts they write (airlock-admin, airlock-backup) are run too.
		const shellText = shellBlocks.map((block) => block.text).join('\n');
		for (const command of commands)
			expect(
				shellText.includes(command),
				`\`${command}\` is a command in the prose that no sh block runs`
			).toBe(true);
	});

	it('leaves out only the lines it lists, each listed line matching exactly one line of the guide', () => {
		for (const entry of NOT_RUN_LINES) {
			const matches = shellLines.filter((line) => notRunEntry(line) === entry);
			expect(matches, JSON.stringify(entry)).toHaveLength(1);
		}
		expect(shellLines.filter((line) => notRunEntry(line)).length).toBe(NOT_RUN_LINES.length);
	});

	it('runs every block inside the test folder: no system path is left once the places are replaced', () => {
		for (const block of shellBlocks) {
			const { script } = blockForTest(block.text, test);
			expect(script).not.toMatch(/(?<![\w.~-])\/(etc|opt|var|usr\/local)\//);
			expect(script).not.toMatch(/db\.internal|:3000\b/);
		}
		expect(() => blockForTest('cat /etc/passwd.d/x; ls /srv/data', test)).toThrow(/\/srv\/data/);
		expect(blockForTest('install -d /etc/airlock\nnpm ci', test)).toEqual({
			script: `install -d /tmp/airlock-deploy-AbC123/etc/airlock\necho 'deploy guide: not run here: npm ci (${NOT_RUN_LINES[0].reason.replaceAll("'", "'\\''")})'`,
			skipped: [{ line: 'npm ci', reason: NOT_RUN_LINES[0].reason }]
		});
		expect(scratchDatabases(test)).toEqual([
			{ guideName: 'airlock', url: 'postgres://postgres@127.0.0.1:5432/airlock_abc123' },
			{ guideName: 'airlock_restored', url: 'postgres://postgres@127.0.0.1:5432/airlock_restored_abc123' }
		]);
	});

	it('has a systemd unit that matches the settings: SIGTERM, and time to finish the requests in flight', () => {
		const unit = parseUnit(hereDocument('/etc/systemd/system/airlock.service'));
		const settings = Object.fromEntries(
			hereDocument('/etc/airlock/airlock.env')
				.split('\n')
				.map((line) => line.split(/=(.*)/s).slice(0, 2))
		);
		expect(unit.ExecStart).toEqual(['/usr/bin/node scripts/start.js']);
		expect(unit.WorkingDirectory).toEqual(['/opt/airlock']);
		expect(unit.EnvironmentFile).toEqual(['/etc/airlock/airlock.env']);
		expect(unit.Environment).toEqual(['DATA_DIR=/var/lib/airlock']);
		expect(unit.StateDirectory).toEqual(['airlock']);
		expect(unit.KillSignal).toEqual(['SIGTERM']);
		// The server forces connections closed at SHUTDOWN_TIMEOUT and exits at most 10 s later.
		expect(Number(unit.TimeoutStopSec?.[0])).toBeGreaterThan(Number(settings.SHUTDOWN_TIMEOUT) + 10);
		expect(unit.MemoryDenyWriteExecute).toBeUndefined();
		expect(settings).toMatchObject({ HOST: '127.0.0.1', ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '1' });
		expect(settings.ORIGIN).toMatch(/^https:\/\//);
		expect(settings.SEED_DEMO).toBe('false');
	});

	it('has a proxy configuration that reaches the port and passes the header the settings read', () => {
		const settings = hereDocument('/etc/airlock/airlock.env');
		const port = /^PORT=(\d+)$/m.exec(settings)?.[1];
		const origin = /^ORIGIN=https:\/\/(.+)$/m.exec(settings)?.[1];
		const nginx = blocks.find((block) => block.language === 'nginx')?.text ?? '';
		expect(nginx).toContain(`server 127.0.0.1:${port};`);
		expect(nginx).toContain(`server_name ${origin};`);
		// One proxy appending the address it received the request from: XFF_DEPTH=1 reads that one.
		expect(nginx).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
		const caddy = blocks.find((block) => block.language === 'caddy')?.text ?? '';
		expect(caddy).toContain(`${origin} {`);
		expect(caddy).toContain(`reverse_proxy 127.0.0.1:${port}`);
	});
});

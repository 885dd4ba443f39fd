// docs/DEPLOY.md as a script: its `sh` blocks, in order, with the guide's example places (paths, the
// port, the PostgreSQL address) replaced by a test's own. scripts/check-production.js runs them;
// scripts/deploy-guide.test.ts checks that every command of the guide is in one of them. Keeping
// the replacements here, in one list, is what lets the guide show real paths and still be run.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(import.meta.url), '../..');
export const guidePath = join(root, 'docs', 'DEPLOY.md');

/** The blocks run by the check. */
export const RUN_LANGUAGE = 'sh';

/** Blocks that are configuration for another program, which the check does not run: why. */
export const NOT_RUN_LANGUAGES = {
	nginx: 'an nginx configuration: no nginx on the test machine',
	caddy: 'a Caddy configuration: no Caddy on the test machine',
	yaml: "a Prometheus scrape job: the check fetches /metrics itself, as the guide's curl does"
};

/**
 * Lines of `sh` blocks that the check does not run as written, each with the reason, printed when it
 * skips them. Kept short on purpose: a line added here is a command no test runs.
 */
export const NOT_RUN_LINES = [
	{ line: 'npm ci', reason: '.ci/run installed the dependencies of this checkout before `npm test`' },
	{
		line: 'npm run build',
		reason:
			'check-production.js has just built this checkout (ensureBuild: scripts/build.js, as `npm run build`)'
	}
];

/**
 * The guide's example places and what the check puts in their place.
 * @param {{ folder: string, port: number, databaseUrl: string, node: string }} test
 *   folder: the check's scratch folder (its /etc, /opt, /var, /usr/local and /tmp live there);
 *   databaseUrl: a PostgreSQL server the check may create databases on (`postgres://user@host:port/`).
 * @returns {[RegExp, string][]}
 */
export function substitutions(test) {
	const pg = new URL(test.databaseUrl);
	const scratch = (name) => `${name}_${test.folder.replace(/.*[^a-z0-9]/i, '').toLowerCase()}`;
	return [
		[/\/usr\/bin\/node\b/g, test.node],
		[/(?<![\w.~-])\/(etc|opt|var|usr\/local)\//g, `${test.folder}/$1/`],
		[/(?<![\w.~-])\/tmp\/airlock-release/g, `${test.folder}/tmp/airlock-release`],
		[/\b(127\.0\.0\.1:|PORT=)3000\b/g, `$1${test.port}`],
		[
			/postgres:\/\/airlock@db\.internal:5432\/(airlock\w*)/g,
			(_, name) => `postgres://${pg.username}@${pg.host}/${scratch(name)}`
		],
		[
			/-h db\.internal -U airlock (airlock\w*)/g,
			(_, name) => `-h ${pg.hostname} -p ${pg.port || 5432} -U ${pg.username} ${scratch(name)}`
		]
	];
}

/** The scratch PostgreSQL databases the guide's commands use in a check run (the check drops them). */
export function scratchDatabases(test) {
	const names = new Set();
	const text = readFileSync(guidePath, 'utf8');
	for (const [, name] of text.matchAll(/db\.internal(?::5432\/| -U airlock )(airlock\w*)/g)) names.add(name);
	const apply = substitutions(test);
	return [...names].map((name) => {
		const url = `postgres://airlock@db.internal:5432/${name}`;
		return { guideName: name, url: apply.reduce((text, [pattern, to]) => text.replace(pattern, to), url) };
	});
}

/**
 * Every fenced block of a Markdown text, with the heading it sits under.
 * @param {string} markdown
 * @returns {{ language: string, text: string, heading: string, line: number }[]}
 */
export function fencedBlocks(markdown) {
	const blocks = [];
	const lines = markdown.split('\n');
	let heading = '';
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index];
		const heading_ = /^#{1,6}\s+(.*)$/.exec(line);
		if (heading_) heading = heading_[1];
		const fence = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
		if (!fence) continue;
		const body = [];
		let end = index + 1;
		while (end < lines.length && !lines[end].startsWith(fence[1])) body.push(lines[end++]);
		blocks.push({ language: fence[2], text: body.join('\n'), heading, line: index + 1 });
		index = end;
	}
	return blocks;
}

/**
 * The lines of a shell block that are commands: not blank, not comments, not inside a here-document
 * (that is data: the file it writes).
 * @param {string} text
 */
export function commandLines(text) {
	const commands = [];
	let hereEnd = null;
	for (const line of text.split('\n')) {
		if (hereEnd !== null) {
			if (line === hereEnd) hereEnd = null;
			continue;
		}
		const trimmed = line.trim();
		if (trimmed === '' || trimmed.startsWith('#')) continue;
		commands.push(trimmed);
		const here = /<<-?\s*'?(\w+)'?/.exec(trimmed);
		if (here) hereEnd = here[1];
	}
	return commands;
}

/** The entry of NOT_RUN_LINES a command line matches, if any. */
export function notRunEntry(line) {
	return NOT_RUN_LINES.find((entry) =>
		entry.line !== undefined ? line === entry.line : line.startsWith(entry.prefix)
	);
}

/**
 * A block as the check runs it: its places replaced, its NOT_RUN_LINES turned into a message. Refuses
 * a block that would still touch a system path once replaced (the check runs as root in CI).
 * @param {string} text
 * @param {Parameters<typeof substitutions>[0]} test
 */
export function blockForTest(text, test) {
	const skipped = [];
	let hereEnd = null;
	const lines = text.split('\n').map((line) => {
		if (hereEnd !== null) {
			if (line === hereEnd) hereEnd = null;
			return line;
		}
		const here = /<<-?\s*'?(\w+)'?/.exec(line);
		if (here) hereEnd = here[1];
		const entry = notRunEntry(line.trim());
		if (!entry) return line;
		skipped.push({ line: line.trim(), reason: entry.reason });
		return `echo ${shellQuote(`deploy guide: not run here: ${line.trim()} (${entry.reason})`)}`;
	});
	let script = lines.join('\n');
	for (const [pattern, to] of substitutions(test)) script = script.replace(pattern, to);
	const outside = script
		.replaceAll(new RegExp(`${escapeRegExp(test.folder)}[^\\s'"]*`, 'g'), '')
		.replaceAll(test.node, '')
		.match(/(?<![\w.~-])\/(etc|opt|var|usr\/local|srv|home|root)\/[^\s'"]*/g);
	if (outside)
		throw new Error(
			`a guide command names ${outside.join(', ')} outside the test's folder: add its place to substitutions()`
		);
	return { script, skipped };
}

/** @param {string} text */
export function shellQuote(text) {
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** @param {string} text */
function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

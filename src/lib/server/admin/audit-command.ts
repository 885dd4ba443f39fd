// `admin audit`: the audit log as text, JSON or CSV, streamed a page at a time (it can be large).
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/schema';
import { auditEntries, withExpansions, type AuditEntry } from '../audit/audit.service';
import { findAccountByEmail } from '../accounts/accounts.repository';
import { findLicense } from '../catalogue/licenses.repository';
import type { Command } from './cli-args';

type AuditCommand = Extract<Command, { name: 'audit' }>;

const CSV_COLUMNS = [
	'at',
	'kind',
	'actor',
	'account',
	'license',
	'device',
	'clientAddress',
	'node',
	'detail'
] as const;

function textLine(entry: AuditEntry): string {
	const detail = Object.entries(entry.detail)
		.map(([key, value]) => `${key}=${value}`)
		.join(' ');
	return [
		entry.at,
		entry.kind,
		entry.license,
		entry.account,
		entry.device && `device ${entry.device}`,
		entry.clientAddress && `from ${entry.clientAddress}`,
		`via node ${entry.node}`,
		detail
	]
		.filter(Boolean)
		.join('  ');
}

/**
 * Writes the matching events to `out`, one line (or one CSV row, one JSON array element) each;
 * returns a refusal when the license or account named does not exist.
 */
export async function runAudit(
	db: Db,
	command: AuditCommand,
	out: (line: string) => void
): Promise<{ ok: true; count: number } | { ok: false; code: string; message: string }> {
	let licenseNumbers: string[] | undefined;
	if (command.license !== undefined) {
		const license = await findLicense(db, command.license);
		if (!license)
			return { ok: false, code: 'unknown_license', message: `There is no license ${command.license}.` };
		// As the owner's License list shows it.
		licenseNumbers = await withExpansions(db, license.number);
	}
	if (command.account !== undefined && !(await findAccountByEmail(db, command.account)))
		return { ok: false, code: 'unknown_account', message: `There is no account ${command.account}.` };

	const entries = auditEntries(db, {
		licenseNumbers,
		accountEmail: command.account,
		since: command.since,
		until: command.until
	});
	let count = 0;
	if (command.format === 'json') {
		// A JSON array written as it is read: each element on its line, the comma before the next.
		let previous: AuditEntry | undefined;
		out('[');
		for await (const entry of entries) {
			if (previous) out(`  ${JSON.stringify(previous)},`);
			previous = entry;
			count++;
		}
		if (previous) out(`  ${JSON.stringify(previous)}`);
		out(']');
	} else if (command.format === 'csv') {
		out(stringify([CSV_COLUMNS as unknown as string[]]).trimEnd());
		for await (const entry of entries) {
			const row = CSV_COLUMNS.map((column) =>
				column === 'detail' ? JSON.stringify(entry.detail) : (entry[column] ?? '')
			);
			out(stringify([row]).trimEnd());
			count++;
		}
	} else {
		for await (const entry of entries) {
			out(textLine(entry));
			count++;
		}
		if (count === 0) out('No events.');
	}
	return { ok: true, count };
}

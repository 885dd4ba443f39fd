// Argument parsing for the admin CLI: node:util parseArgs for the shape, zod for the values.
import { parseArgs } from 'node:util';
import { z } from 'zod';

export class UsageError extends Error {
	override name = 'UsageError';
}

export const USAGE = `Usage: npm run admin -- <command> [options] [--json]

Commands:
  account create --email E --password P
  account unlock --email E              lift a lockout after too many wrong passwords
  account set-password --email E --password P
                                        set a new password; ends the account's sessions
  license create --product P --email E [--seats N] [--expires YYYY-MM-DD]
                 [--temporary-days N] [--no-deferred] [--no-emergency] [--expansion CODE ...]
  license expand --license NUMBER --expansion CODE
  license list [--email E]
  key list                              the signing keys: active, verify-only, withdrawn
  key rotate                            a new active key; the old one only verifies (every node
                                        signs with the new key within seconds, no restart)
  key retire KID                        the key stops signing and only verifies (the active key:
                                        a rotation)
  key withdraw KID                      devices stop trusting the key at their next refresh, and
                                        files it signed stop verifying (never the active key)
  backup --to FILE                      a consistent copy of the SQLite database, also while the
                                        server runs (PostgreSQL: pg_dump, see docs/DEPLOY.md)
  restore --from FILE                   put a backup in place of the SQLite database (the server
                                        stopped); the replaced one is kept beside it
  audit [--license NUMBER] [--account E] [--since DATE] [--until DATE] [--csv]
                                        the audit log, oldest first: activations, emergency uses,
                                        seat releases, key and account changes, lockouts (DATE:
                                        YYYY-MM-DD or an ISO date-time such as 2026-12-01T09:30Z)
  demo

The database is the server's: DATA_DIR (default ./data) or DATABASE_URL.`;

const productCode = z
	.string()
	.transform((code) => code.toUpperCase())
	.pipe(z.string().regex(/^[2-9A-HJ-NP-TV-Z]{3}$/, 'expected a three-symbol product code like DEV'));
const wholeNumber = (min: number, max: number) =>
	z
		.string()
		.regex(/^\d+$/, 'expected a whole number')
		.transform(Number)
		.pipe(z.number().int().min(min).max(max));
const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
	.transform((text) => Date.parse(`${text}T23:59:59.999Z`))
	.refine((ms) => Number.isFinite(ms), 'expected a real calendar date');

/**
 * A point in time for `audit`: an ISO date-time with its zone (2026-12-01T09:30Z), or a date, taken
 * as the start of that day (UTC) for `--since` and as its end for `--until`, so both days count.
 */
function instant(side: 'start' | 'end') {
	return z.string().transform((text, ctx) => {
		const value = text.trim();
		const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
		const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
		const midnight = Date.parse(`${value.slice(0, 10)}T00:00:00Z`);
		// Date.parse rolls 2026-02-30 over to March: the date must read back as it was written.
		const realDay =
			Number.isFinite(midnight) && new Date(midnight).toISOString().slice(0, 10) === value.slice(0, 10);
		const ms = !realDay
			? NaN
			: day
				? midnight + (side === 'end' ? DAY_MS : 0)
				: dateTime
					? Date.parse(value)
					: NaN;
		if (!Number.isFinite(ms)) {
			ctx.addIssue({
				code: 'custom',
				message: `“${text}” is not a date: expected YYYY-MM-DD or an ISO date-time with its zone, like 2026-12-01T09:30Z`
			});
			return z.NEVER;
		}
		return ms;
	});
}

const DAY_MS = 24 * 3_600_000;

export type Command =
	| { name: 'account create'; email: string; password: string }
	| { name: 'account unlock'; email: string }
	| { name: 'account set-password'; email: string; password: string }
	| {
			name: 'license create';
			product: string;
			email: string;
			seats?: number;
			expiresAt?: number;
			temporaryDays?: number;
			deferred: boolean;
			emergency: boolean;
			expansions: string[];
	  }
	| { name: 'license expand'; license: string; expansion: string }
	| { name: 'license list'; email?: string }
	| { name: 'key list' }
	| { name: 'key rotate' }
	| { name: 'key retire'; kid: string }
	| { name: 'key withdraw'; kid: string }
	| { name: 'backup'; to: string }
	| { name: 'restore'; from: string }
	| {
			name: 'audit';
			license?: string;
			account?: string;
			since?: number;
			until?: number;
			format: 'text' | 'json' | 'csv';
	  }
	| { name: 'demo' }
	| { name: 'help' };

export interface ParsedCommand {
	command: Command;
	json: boolean;
}

const optionSpecs = {
	'account create': { email: { type: 'string' }, password: { type: 'string' } },
	'account unlock': { email: { type: 'string' } },
	'account set-password': { email: { type: 'string' }, password: { type: 'string' } },
	'license create': {
		product: { type: 'string' },
		email: { type: 'string' },
		seats: { type: 'string' },
		expires: { type: 'string' },
		'temporary-days': { type: 'string' },
		'no-deferred': { type: 'boolean' },
		'no-emergency': { type: 'boolean' },
		expansion: { type: 'string', multiple: true }
	},
	'license expand': { license: { type: 'string' }, expansion: { type: 'string' } },
	'license list': { email: { type: 'string' } },
	'key list': {},
	'key rotate': {},
	'key retire': {},
	'key withdraw': {},
	backup: { to: { type: 'string' } },
	restore: { from: { type: 'string' } },
	audit: {
		license: { type: 'string' },
		account: { type: 'string' },
		since: { type: 'string' },
		until: { type: 'string' },
		csv: { type: 'boolean' }
	},
	demo: {}
} as const;

/** Commands of one word; the others are a noun and a verb. */
const ONE_WORD = new Set(['demo', 'backup', 'restore', 'audit']);

const path = (option: string) =>
	z
		.string({ error: `--${option} is required` })
		.refine((value) => value.trim() !== '', `--${option} needs a file path`);

const valueSchemas = {
	'account create': z.object({
		email: z.string({ error: '--email is required' }),
		password: z.string({ error: '--password is required' })
	}),
	'account unlock': z.object({ email: z.string({ error: '--email is required' }) }),
	'account set-password': z.object({
		email: z.string({ error: '--email is required' }),
		password: z.string({ error: '--password is required' })
	}),
	'license create': z.object({
		product: z.string({ error: '--product is required' }).pipe(productCode),
		email: z.string({ error: '--email is required' }),
		seats: wholeNumber(1, 10_000).optional(),
		expires: isoDate.optional(),
		'temporary-days': wholeNumber(1, 3650).optional(),
		'no-deferred': z.boolean().optional(),
		'no-emergency': z.boolean().optional(),
		expansion: z.array(productCode).optional()
	}),
	'license expand': z.object({
		license: z.string({ error: '--license is required' }).transform((n) => n.trim().toUpperCase()),
		expansion: z.string({ error: '--expansion is required' }).pipe(productCode)
	}),
	'license list': z.object({ email: z.string().optional() }),
	backup: z.object({ to: path('to') }),
	restore: z.object({ from: path('from') }),
	audit: z
		.object({
			license: z
				.string()
				.transform((n) => n.trim().toUpperCase())
				.refine((n) => n !== '', 'needs a license number')
				.optional(),
			account: z
				.string()
				.transform((e) => e.trim().toLowerCase())
				.refine((e) => e !== '', 'needs an e-mail address')
				.optional(),
			since: instant('start').optional(),
			until: instant('end').optional(),
			csv: z.boolean().optional()
		})
		.refine((v) => v.since === undefined || v.until === undefined || v.since < v.until, {
			message: '--since must be earlier than --until',
			path: ['since']
		})
};

function describeIssues(error: z.ZodError): string {
	return error.issues
		.map((issue) => {
			const option = issue.path[0];
			return option === undefined || issue.message.startsWith('--')
				? issue.message
				: `--${String(option)}: ${issue.message}`;
		})
		.join('\n');
}

/** Parses the CLI's arguments; throws UsageError with a message for the person typing them. */
export function parseCommand(argv: string[]): ParsedCommand {
	const words: string[] = [];
	for (const arg of argv) {
		if (arg.startsWith('-')) break;
		words.push(arg);
	}
	const json = argv.includes('--json');
	const rest = argv.slice(words.length).filter((arg) => arg !== '--json');
	if (words.length === 0 || words[0] === 'help' || argv.includes('--help'))
		return { command: { name: 'help' }, json };

	const name = words.slice(0, ONE_WORD.has(words[0]!) ? 1 : 2).join(' ');
	if (!(name in optionSpecs)) throw new UsageError(`Unknown command “${words.join(' ')}”.`);
	// `key retire KID` and `key withdraw KID` take the key id as a word of their own.
	const positional = name === 'key retire' || name === 'key withdraw' ? 1 : 0;
	if (words.length > name.split(' ').length + positional)
		throw new UsageError(`Unexpected “${words.at(-1)}” after “${name}”.`);
	const spec = optionSpecs[name as keyof typeof optionSpecs];
	let values: Record<string, unknown>;
	try {
		values = parseArgs({ args: rest, options: spec, strict: true, allowPositionals: false }).values;
	} catch (error) {
		throw new UsageError(error instanceof Error ? error.message : String(error));
	}

	switch (name) {
		case 'account create':
		case 'account set-password': {
			const parsed = valueSchemas[name].safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			return { command: { name, ...parsed.data }, json };
		}
		case 'account unlock': {
			const parsed = valueSchemas[name].safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			return { command: { name, ...parsed.data }, json };
		}
		case 'license create': {
			const parsed = valueSchemas['license create'].safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			const v = parsed.data;
			return {
				command: {
					name,
					product: v.product,
					email: v.email,
					seats: v.seats,
					expiresAt: v.expires,
					temporaryDays: v['temporary-days'],
					deferred: !v['no-deferred'],
					emergency: !v['no-emergency'],
					expansions: v.expansion ?? []
				},
				json
			};
		}
		case 'license expand': {
			const parsed = valueSchemas['license expand'].safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			return { command: { name, ...parsed.data }, json };
		}
		case 'license list': {
			const parsed = valueSchemas['license list'].safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			return { command: { name, email: parsed.data.email }, json };
		}
		case 'key list':
		case 'key rotate':
			return { command: { name }, json };
		case 'key retire':
		case 'key withdraw': {
			const kid = words[2]?.toLowerCase();
			if (kid === undefined)
				throw new UsageError(`${name} needs the key's id (16 hex digits; see key list).`);
			if (!/^[0-9a-f]{16}$/.test(kid))
				throw new UsageError(`“${words[2]}” is not a key id: expected 16 hex digits (see key list).`);
			return { command: { name, kid }, json };
		}
		case 'backup': {
			const parsed = valueSchemas.backup.safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			return { command: { name, to: parsed.data.to }, json };
		}
		case 'audit': {
			const parsed = valueSchemas.audit.safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			const { csv, ...filter } = parsed.data;
			if (csv && json) throw new UsageError('Choose one of --json and --csv.');
			return { command: { name, ...filter, format: csv ? 'csv' : json ? 'json' : 'text' }, json };
		}
		case 'restore': {
			const parsed = valueSchemas.restore.safeParse(values);
			if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
			return { command: { name, from: parsed.data.from }, json };
		}
		default:
			return { command: { name: 'demo' }, json };
	}
}

// The server's configuration: every environment variable it reads, parsed once with zod. A bad value
// stops start-up with a message naming the variable and what it expects, rather than failing later.
import { resolve } from 'node:path';
import { z } from 'zod';
import { decodeBase64url } from '$lib/protocol/base64url';
import { sessionPolicyOf, type SessionPolicy } from './accounts/session-policy';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface VendorPhone {
	region: string;
	number: string;
}

export interface ServerConfig {
	/** Absolute path of the folder holding the SQLite file and the signing key file. */
	dataDir: string;
	database: DatabaseConfig;
	/** The vendor's Ed25519 seed when given in `SIGNING_KEY`; otherwise the key file in `dataDir` is used. */
	signingKeySeed: Uint8Array | null;
	/** KEY_ENCRYPTION_KEY: encrypts the signing keys' seeds in the database (the same on every node);
	 * without it, a key file in `dataDir` is used (keys/key-encryption.ts). */
	keyEncryptionKey: Uint8Array | null;
	emergencyAcceptBareNumber: boolean;
	/** Whether an empty database gets the demo account and licenses at start-up. */
	seedDemo: boolean;
	vendor: { name: string; supportUrl: string; phones: VendorPhone[] };
	/** Whether anyone may create an account (`POST /api/v1/accounts`); otherwise only the vendor does. */
	signupOpen: boolean;
	/** How long sessions live: unused (sliding), and at most. */
	sessions: SessionPolicy;
	/** METRICS_TOKEN: GET /metrics answers only with `Authorization: Bearer <token>`; unset, it is off. */
	metricsToken: string | null;
	/** AUDIT_RETENTION_DAYS: how long audit events are kept before housekeeping removes them. */
	auditRetentionMs: number;
}

/** A configuration problem; its message lists each bad variable and what it expects. */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

const DEFAULT_PHONES = 'US=+1 408 555 0100;UK=+44 20 7946 0100;FR=+33 1 99 00 01 00';

/** Empty strings count as unset: `FOO=` in a shell or a compose file usually means "no value". */
const optionalText = z
	.string()
	.optional()
	.transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const booleanText = optionalText.transform((value, ctx) => {
	if (value === undefined) return undefined;
	const lower = value.toLowerCase();
	if (['true', '1', 'yes'].includes(lower)) return true;
	if (['false', '0', 'no'].includes(lower)) return false;
	ctx.addIssue({ code: 'custom', message: 'expected true or false (or 1/0, yes/no)' });
	return z.NEVER;
});

/** A number of days, decimals allowed (0.5 is twelve hours), from about a minute to ten years. */
const days = optionalText.transform((value, ctx) => {
	if (value === undefined) return undefined;
	const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
	if (!(number >= 0.001 && number <= 3650)) {
		ctx.addIssue({ code: 'custom', message: 'expected a number of days from 0.001 to 3650, like 30 or 0.5' });
		return z.NEVER;
	}
	return number;
});

const signup = optionalText.transform((value, ctx) => {
	if (value === undefined) return undefined;
	const lower = value.toLowerCase();
	if (lower === 'open' || lower === 'closed') return lower;
	ctx.addIssue({ code: 'custom', message: 'expected open or closed' });
	return z.NEVER;
});

const databaseUrl = optionalText.refine(
	(value) => value === undefined || /^postgres(ql)?:\/\/.+/.test(value),
	'expected a postgres://user@host:port/database URL, or leave it unset to use SQLite in DATA_DIR'
);

function key32(what: string) {
	return optionalText.transform((value, ctx) => {
		if (value === undefined) return null;
		const bytes = decodeBase64url(value);
		if (bytes?.length !== 32) {
			ctx.addIssue({
				code: 'custom',
				message: `expected a base64url (no padding) 32-byte ${what}, 43 characters`
			});
			return z.NEVER;
		}
		return bytes;
	});
}
const signingKey = key32('Ed25519 seed');
// e.g. `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`
const keyEncryptionKey = key32('AES-256 key');

const phoneList = optionalText.transform((value, ctx) => {
	const phones: VendorPhone[] = [];
	for (const entry of (value ?? DEFAULT_PHONES).split(';')) {
		if (entry.trim() === '') continue;
		const match = /^\s*([A-Za-z]{2,3})\s*=\s*(\+[0-9][0-9 ().-]{4,30})\s*$/.exec(entry);
		if (!match) {
			ctx.addIssue({
				code: 'custom',
				message: `expected REGION=+number pairs separated by ";" (like "US=+1 408 555 0100;UK=+44 20 7946 0100"); “${entry.trim()}” is not one`
			});
			return z.NEVER;
		}
		phones.push({ region: match[1]!.toUpperCase(), number: match[2]!.trim() });
	}
	return phones;
});

const envSchema = z.object({
	DATA_DIR: optionalText,
	DATABASE_URL: databaseUrl,
	SIGNING_KEY: signingKey,
	KEY_ENCRYPTION_KEY: keyEncryptionKey,
	EMERGENCY_ACCEPT_BARE_NUMBER: booleanText,
	SEED_DEMO: booleanText,
	VENDOR_NAME: optionalText.pipe(z.string().max(100, 'expected at most 100 characters').optional()),
	VENDOR_SUPPORT_URL: optionalText.pipe(
		z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional()
	),
	VENDOR_PHONES: phoneList,
	SIGNUP: signup,
	SESSION_IDLE_DAYS: days,
	SESSION_MAX_DAYS: days,
	AUDIT_RETENTION_DAYS: days,
	METRICS_TOKEN: optionalText.pipe(
		z
			.string()
			.regex(/^[\x21-\x7e]{16,200}$/, 'expected 16 to 200 printable characters, no spaces')
			.optional()
	)
});

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SESSION_IDLE_DAYS = 30;
export const DEFAULT_SESSION_MAX_DAYS = 180;
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

export type Environment = Record<string, string | undefined>;

/** Parses a configuration from an environment (`process.env` or a test's own object). */
export function parseConfig(env: Environment, cwd: string = process.cwd()): ServerConfig {
	const parsed = envSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
		throw new ConfigError(`Invalid server configuration:\n${lines.join('\n')}`);
	}
	const value = parsed.data;
	const idleDays = value.SESSION_IDLE_DAYS ?? DEFAULT_SESSION_IDLE_DAYS;
	const maxDays = value.SESSION_MAX_DAYS ?? Math.max(DEFAULT_SESSION_MAX_DAYS, idleDays);
	if (maxDays < idleDays) {
		throw new ConfigError(
			`Invalid server configuration:\n  SESSION_MAX_DAYS: expected at least SESSION_IDLE_DAYS (${idleDays}), the most a session can last`
		);
	}
	const dataDir = resolve(cwd, value.DATA_DIR ?? 'data');
	return {
		dataDir,
		database: value.DATABASE_URL
			? { kind: 'postgres', url: value.DATABASE_URL }
			: { kind: 'sqlite', file: resolve(dataDir, 'airlock.sqlite') },
		signingKeySeed: value.SIGNING_KEY,
		keyEncryptionKey: value.KEY_ENCRYPTION_KEY,
		emergencyAcceptBareNumber: value.EMERGENCY_ACCEPT_BARE_NUMBER ?? true,
		seedDemo: value.SEED_DEMO ?? true,
		vendor: {
			name: value.VENDOR_NAME ?? 'Airlock Demo Vendor',
			supportUrl: value.VENDOR_SUPPORT_URL ?? 'https://airlock.example/support',
			phones: value.VENDOR_PHONES
		},
		signupOpen: value.SIGNUP === 'open',
		sessions: sessionPolicyOf(Math.round(idleDays * DAY_MS), Math.round(maxDays * DAY_MS)),
		metricsToken: value.METRICS_TOKEN ?? null,
		auditRetentionMs: Math.round((value.AUDIT_RETENTION_DAYS ?? DEFAULT_AUDIT_RETENTION_DAYS) * DAY_MS)
	};
}

let cached: ServerConfig | undefined;

/** The process's configuration, parsed from `process.env` on first use. */
export function getConfig(): ServerConfig {
	cached ??= parseConfig(process.env);
	return cached;
}

import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '$lib/protocol/base64url';
import { ConfigError, parseConfig } from './config';

const DAY = 24 * 60 * 60_000;

describe('parseConfig', () => {
	it('has working defaults: SQLite in ./data, demo vendor, bare-number emergency accepted', () => {
		const config = parseConfig({}, '/srv/airlock');
		expect(config.dataDir).toBe('/srv/airlock/data');
		expect(config.database).toEqual({ kind: 'sqlite', file: '/srv/airlock/data/airlock.sqlite' });
		expect(config.signingKeySeed).toBeNull();
		expect(config.emergencyAcceptBareNumber).toBe(true);
		expect(config.seedDemo).toBe(true);
		expect(config.vendor.name).toBeTruthy();
		expect(config.vendor.supportUrl).toMatch(/^https:\/\//);
		expect(config.vendor.phones.map((phone) => phone.region)).toContain('US');
		expect(config.signupOpen).toBe(false);
		expect(config.sessions).toEqual({ idleMs: 30 * DAY, maxAgeMs: 180 * DAY, touchEveryMs: 5 * 60_000 });
	});

	it('reads sign-up and session lengths', () => {
		const config = parseConfig({ SIGNUP: 'Open', SESSION_IDLE_DAYS: '0.5', SESSION_MAX_DAYS: '7' });
		expect(config.signupOpen).toBe(true);
		expect(config.sessions).toEqual({ idleMs: DAY / 2, maxAgeMs: 7 * DAY, touchEveryMs: 5 * 60_000 });
		expect(parseConfig({ SIGNUP: 'closed' }).signupOpen).toBe(false);
		// A short idle time is extended more often, so it ends close to when it says.
		expect(parseConfig({ SESSION_IDLE_DAYS: '0.01' }).sessions.touchEveryMs).toBe(Math.floor(0.001 * DAY));
		// A long idle time alone raises the maximum with it.
		expect(parseConfig({ SESSION_IDLE_DAYS: '365' }).sessions.maxAgeMs).toBe(365 * DAY);
	});

	it('refuses a maximum session age below the idle time', () => {
		expect(() => parseConfig({ SESSION_IDLE_DAYS: '10', SESSION_MAX_DAYS: '5' })).toThrow(
			/SESSION_MAX_DAYS: expected at least SESSION_IDLE_DAYS \(10\)/
		);
	});

	it('reads every variable', () => {
		const seed = new Uint8Array(32).fill(7);
		const config = parseConfig(
			{
				DATA_DIR: 'var/lib',
				DATABASE_URL: 'postgres://u@db:5432/airlock',
				SIGNING_KEY: encodeBase64url(seed),
				EMERGENCY_ACCEPT_BARE_NUMBER: 'No',
				SEED_DEMO: '0',
				VENDOR_NAME: 'Acme',
				VENDOR_SUPPORT_URL: 'https://acme.example/help',
				VENDOR_PHONES: 'us=+1 408 555 0199; UK=+44 20 7946 0000;'
			},
			'/opt'
		);
		expect(config.dataDir).toBe('/opt/var/lib');
		expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/airlock' });
		expect(config.signingKeySeed).toEqual(seed);
		expect(config.emergencyAcceptBareNumber).toBe(false);
		expect(config.seedDemo).toBe(false);
		expect(config.vendor).toEqual({
			name: 'Acme',
			supportUrl: 'https://acme.example/help',
			phones: [
				{ region: 'US', number: '+1 408 555 0199' },
				{ region: 'UK', number: '+44 20 7946 0000' }
			]
		});
	});

	it('treats empty values as unset', () => {
		const config = parseConfig(
			{ DATABASE_URL: '', SIGNING_KEY: ' ', KEY_ENCRYPTION_KEY: '', DATA_DIR: '' },
			'/x'
		);
		expect(config.database.kind).toBe('sqlite');
		expect(config.signingKeySeed).toBeNull();
		expect(config.keyEncryptionKey).toBeNull();
		expect(config.dataDir).toBe('/x/data');
	});

	it.each([
		['DATABASE_URL', 'mysql://db/x', 'postgres://'],
		['SIGNING_KEY', 'too-short', '32-byte Ed25519 seed'],
		['KEY_ENCRYPTION_KEY', 'too-short', '32-byte AES-256 key'],
		['EMERGENCY_ACCEPT_BARE_NUMBER', 'maybe', 'true or false'],
		['VENDOR_SUPPORT_URL', 'ftp://x', 'http(s)://'],
		['VENDOR_PHONES', 'US:12', 'REGION=+number'],
		['SIGNUP', 'yes', 'open or closed'],
		['SESSION_IDLE_DAYS', 'a month', 'number of days'],
		['SESSION_IDLE_DAYS', '0', 'number of days'],
		['SESSION_MAX_DAYS', '-5', 'number of days']
	])('names %s and what it expects when its value is bad', (variable, value, expected) => {
		expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
		try {
			parseConfig({ [variable]: value });
		} catch (error) {
			expect((error as Error).message).toContain(`${variable}:`);
			expect((error as Error).message).toContain(expected);
		}
	});

	it('never echoes a bad signing key', () => {
		const secretish = 'A'.repeat(40);
		expect(() => parseConfig({ SIGNING_KEY: secretish })).toThrow(/SIGNING_KEY/);
		try {
			parseConfig({ SIGNING_KEY: secretish });
		} catch (error) {
			expect((error as Error).message).not.toContain(secretish);
		}
	});
});

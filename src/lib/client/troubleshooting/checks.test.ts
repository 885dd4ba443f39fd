import { describe, expect, it } from 'vitest';
import {
	CHECK_IDS,
	diagnosticReport,
	formatBytes,
	formatSkew,
	runChecks,
	SLOW_SERVER_MS,
	type CheckId,
	type DiagnosticFacts
} from './checks';

const NOW = Date.UTC(2026, 10, 29, 10);

function healthy(): DiagnosticFacts {
	return {
		collectedAt: NOW,
		appVersion: '1764409000000',
		userAgent: 'Mozilla/5.0 Test',
		online: true,
		server: { kind: 'ok', latencyMs: 42, version: '1764409000000' },
		serviceWorker: {
			supported: true,
			active: true,
			controlling: true,
			waiting: false,
			version: '1764409000000'
		},
		storage: { supported: true, persisted: true, usageBytes: 2 * 1024 * 1024, quotaBytes: 10 * 1024 ** 3 },
		fileAccess: { nativePicker: true },
		camera: { supported: true, devices: 1, permission: 'granted' },
		clock: { problem: null, skewMs: 1_500, serverTimeAt: NOW - 60_000 },
		sync: { pending: 0, needsSignIn: 0, failed: [], lastSyncAt: NOW - 60_000 },
		storageProblem: null,
		deviceId: 'FT3H-H2B7-Z7QV',
		licenses: [{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', kind: 'standard', status: 'active', expiresAt: null }]
	};
}

function statusOf(facts: DiagnosticFacts, id: CheckId) {
	return runChecks(facts).find((result) => result.id === id)!;
}

describe('troubleshooting checks', () => {
	it('passes every check on a healthy device, in a fixed order', () => {
		const results = runChecks(healthy());
		expect(results.map((r) => r.id)).toEqual([...CHECK_IDS]);
		expect(results.every((r) => r.status === 'pass' && r.action === undefined)).toBe(true);
	});

	it('fails the server check when it cannot be reached, and says to use Deferred Activation', () => {
		const result = statusOf(
			{ ...healthy(), server: { kind: 'unreachable', reason: 'Failed to fetch' } },
			'server'
		);
		expect(result.status).toBe('failure');
		// The browser's own words are for support (the report), not for the user.
		expect(result.summary).toBe('Cannot be reached: the server did not answer.');
		expect(result.action).toContain('Deferred Activation');
	});

	it('warns about a slow server and fails on an error answer', () => {
		expect(
			statusOf(
				{ ...healthy(), server: { kind: 'ok', latencyMs: SLOW_SERVER_MS + 1, version: 'x' } },
				'server'
			).status
		).toBe('warning');
		const refused = statusOf(
			{
				...healthy(),
				server: { kind: 'refused', status: 500, error: { code: 'server_error', message: 'Boom.' } }
			},
			'server'
		);
		expect(refused).toMatchObject({ status: 'failure', summary: expect.stringContaining('HTTP 500') });
	});

	it('tells offline from a server problem', () => {
		const facts = {
			...healthy(),
			online: false,
			server: { kind: 'unreachable' as const, reason: 'offline' }
		};
		expect(statusOf(facts, 'network').status).toBe('failure');
		expect(statusOf(facts, 'server').action).toContain('queued');
	});

	it('grades the service worker: missing, not installed, update waiting, active', () => {
		expect(statusOf({ ...healthy(), serviceWorker: { supported: false } }, 'service-worker').status).toBe(
			'failure'
		);
		const base = { supported: true as const, active: true, controlling: true, waiting: false, version: 'v2' };
		expect(
			statusOf({ ...healthy(), serviceWorker: { ...base, active: false } }, 'service-worker').status
		).toBe('warning');
		const waiting = statusOf({ ...healthy(), serviceWorker: { ...base, waiting: true } }, 'service-worker');
		expect(waiting).toMatchObject({ status: 'warning', summary: expect.stringContaining('v2') });
	});

	it('fails the storage check with its reason when the License Manager’s data cannot be used, and the report says so', () => {
		const problem =
			'This browser does not let the License Manager keep its data. The browser said: UnknownError IndexedDB unavailable';
		const facts: DiagnosticFacts = {
			...healthy(),
			storageProblem: problem,
			deviceId: null,
			licenses: [],
			sync: { pending: 0, needsSignIn: 0, failed: [], lastSyncAt: null }
		};
		const result = statusOf(facts, 'storage');
		expect(result.status).toBe('failure');
		expect(result.summary).toContain('IndexedDB unavailable');
		expect(result.action).toContain('reload');
		const report = diagnosticReport(facts, runChecks(facts));
		expect(report).toContain('Storage: CANNOT BE USED');
		expect(report).toContain('IndexedDB unavailable');
		expect(report).toContain('Device: unknown');
		expect(report).toMatch(/Storage: FAILURE — Cannot be used/);
	});

	it('grades storage: persisted, best effort, nearly full', () => {
		const base = { supported: true as const, persisted: true, usageBytes: 0, quotaBytes: 1024 ** 3 };
		expect(statusOf({ ...healthy(), storage: { ...base, persisted: false } }, 'storage').status).toBe(
			'warning'
		);
		const full = statusOf({ ...healthy(), storage: { ...base, usageBytes: 1024 ** 3 - 1024 } }, 'storage');
		expect(full).toMatchObject({ status: 'failure', summary: expect.stringContaining('1.0 KB available') });
	});

	it('grades file access, camera and clock', () => {
		expect(statusOf({ ...healthy(), fileAccess: { nativePicker: false } }, 'file-access').status).toBe(
			'warning'
		);
		expect(
			statusOf({ ...healthy(), camera: { supported: true, devices: 1, permission: 'denied' } }, 'camera')
				.status
		).toBe('failure');
		expect(
			statusOf({ ...healthy(), camera: { supported: true, devices: 0, permission: 'prompt' } }, 'camera')
				.status
		).toBe('warning');
		const setBack = { problem: 'clock_set_back' as const, skewMs: 0, serverTimeAt: NOW };
		expect(statusOf({ ...healthy(), clock: setBack }, 'clock').status).toBe('failure');
		const skewed = statusOf(
			{ ...healthy(), clock: { problem: null, skewMs: -3 * 3_600_000, serverTimeAt: NOW } },
			'clock'
		);
		expect(skewed).toMatchObject({ status: 'warning', summary: expect.stringContaining('3 h 0 min behind') });
		expect(
			statusOf({ ...healthy(), clock: { problem: null, skewMs: null, serverTimeAt: null } }, 'clock').status
		).toBe('warning');
	});

	it('grades sync: pending, sign-in needed, failed with its reason', () => {
		const sync = healthy().sync;
		expect(statusOf({ ...healthy(), sync: { ...sync, pending: 3 } }, 'sync').status).toBe('warning');
		expect(statusOf({ ...healthy(), sync: { ...sync, needsSignIn: 1 } }, 'sync').status).toBe('warning');
		const failed = statusOf(
			{ ...healthy(), sync: { ...sync, failed: [{ type: 'refresh', message: 'No free seat.' }] } },
			'sync'
		);
		expect(failed).toMatchObject({ status: 'failure', summary: expect.stringContaining('No free seat.') });
	});

	it('formats sizes and clock differences for people', () => {
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
		expect(formatSkew(400)).toBe('less than a second');
		expect(formatSkew(125_000)).toBe('2 min 5 s ahead');
		expect(formatSkew(-2 * 86_400_000)).toBe('2 d 0 h behind');
	});
});

describe('diagnostic report', () => {
	it('lists every check and the facts support needs', () => {
		const facts = healthy();
		const report = diagnosticReport(facts, runChecks(facts));
		for (const heading of ['Network', 'Activation server', 'Clock', 'Sync'])
			expect(report).toMatch(new RegExp(`- ${heading}[^\\n]*: PASS`));
		expect(report).toContain('SRV-5BQ7-MKXD-3H99 standard active, expires never');
		expect(report).toContain('Device: FT3H-H2B7-Z7QV');
	});

	it('never carries an e-mail address, even inside a server message', () => {
		const facts = {
			...healthy(),
			sync: {
				...healthy().sync,
				failed: [{ type: 'refresh', message: 'This request belongs to someone@example.com, not you.' }]
			}
		};
		const report = diagnosticReport(facts, runChecks(facts));
		expect(report).not.toContain('someone@example.com');
		expect(report).toContain('[e-mail address]');
	});
});

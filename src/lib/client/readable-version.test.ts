import { describe, expect, it } from 'vitest';
import { readableVersion } from './readable-version';

describe('readableVersion', () => {
	it('reads the package version and the build date', () => {
		expect(readableVersion(`0.1.0+${Date.UTC(2026, 11, 1, 9, 30)}`)).toBe('0.1.0 · built 2026-12-01');
	});

	it('reads a bare build time as a date', () => {
		expect(readableVersion(String(Date.UTC(2026, 11, 1)))).toBe('built 2026-12-01');
	});

	it('leaves any other version as it is', () => {
		expect(readableVersion('2.3.4')).toBe('2.3.4');
		expect(readableVersion('')).toBe('');
	});
});

// The shell + OpenSSL verifier of docs/FORMATS.md §7.6 is a second, independent implementation of
// the license signature: it must accept what Airlock issues and refuse any change.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_EXPANSION, exampleLicense } from '../../../tests/fixtures/protocol-builders.js';
import { formatLicenseFile } from './license-file.js';

const script = new URL('../../../docs/examples/verify-license.sh', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'airlock-openssl-'));

function opensslAccepts(text: string): boolean {
	const file = join(folder, `${crypto.randomUUID()}.license4d`);
	writeFileSync(file, text);
	try {
		execFileSync('bash', [script, file], { stdio: 'pipe' });
		return true;
	} catch {
		return false;
	}
}

describe('independent OpenSSL verifier (docs/examples/verify-license.sh)', () => {
	// It runs bash and OpenSSL a few times: more than a unit test's 5 s on a loaded machine.
	it('accepts license files Airlock signs, and refuses a changed one', { timeout: 30_000 }, async () => {
		const text = formatLicenseFile(await exampleLicense({ expansions: [CLIENT_EXPANSION], quantity: 3 }));
		expect(opensslAccepts(text)).toBe(true);
		expect(opensslAccepts(text.replace('Quantity: 3', 'Quantity: 4'))).toBe(false);
		expect(opensslAccepts(text.replaceAll('\n', '\r\n'))).toBe(true);
		// A file that starts with a byte-order mark, right before its block (FORMATS.md §1.1).
		expect(opensslAccepts(`\ufeff${text.slice(text.indexOf('-----BEGIN'))}`)).toBe(true);
	});
});

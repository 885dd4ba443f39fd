import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseConfig } from './config';
import { openServerContext } from './context';
import { TEST_PASSWORD_COST } from './accounts/password';
import { publishedKeys } from './keys/signing-keys.service';

const folder = mkdtempSync(join(tmpdir(), 'airlock-context-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('opens a migrated database with a signing key, printing the demo credentials once', async () => {
	const config = parseConfig({ DATA_DIR: folder });
	const printed: string[] = [];
	const options = { log: (line: string) => printed.push(line), passwordCost: TEST_PASSWORD_COST };
	const first = await openServerContext(config, options);
	try {
		expect(printed).toHaveLength(1);
		expect(printed[0]).toContain('demo@airlock.test');
		expect((await publishedKeys(first.db)).keys[0]?.kid).toBe((await first.signingKeys.current()).kid);
	} finally {
		await first.db.destroy();
	}
	const second = await openServerContext(config, options);
	try {
		expect(printed).toHaveLength(1);
		expect((await second.signingKeys.current()).kid).toBe((await first.signingKeys.current()).kid);
	} finally {
		await second.db.destroy();
	}
});

it('does not seed when SEED_DEMO is false', async () => {
	const dataDir = join(folder, 'no-demo');
	const printed: string[] = [];
	const context = await openServerContext(parseConfig({ DATA_DIR: dataDir, SEED_DEMO: 'false' }), {
		log: (line) => printed.push(line)
	});
	try {
		expect(printed).toEqual([]);
		expect(await context.db.selectFrom('accounts').select('id').execute()).toEqual([]);
		expect(await context.db.selectFrom('products').select('code').execute()).toHaveLength(4);
	} finally {
		await context.db.destroy();
	}
});

import { expect, it } from 'vitest';
import { describeEachDatabase } from './testing/databases';
import { housekeeping } from './housekeeping';
import { storeAnswer, storedAnswer } from './activation/requests.repository';
import { REQUEST_MAX_AGE_MS } from './activation/activation.service';
import { createAccount } from './accounts/account.service';
import { TEST_PASSWORD_COST } from './accounts/password';
import { insertConflict } from './store/store.repository';
import { CONFLICT_RETENTION_MS } from './store/store.service';

const NOW = Date.UTC(2026, 10, 28);

describeEachDatabase('housekeeping', (getDb) => {
	it('forgets replay records only once their requests can no longer be accepted', async () => {
		const db = getDb();
		const old = {
			device_id: 'AAAA-AAAA-AAAA',
			nonce: 'old',
			digest: 'd',
			account_id: null,
			response: '{}',
			created_at: NOW - REQUEST_MAX_AGE_MS - 2 * 86_400_000
		};
		const recent = { ...old, nonce: 'recent', created_at: NOW - REQUEST_MAX_AGE_MS };
		await storeAnswer(db, old);
		await storeAnswer(db, recent);
		await housekeeping(db, NOW);
		expect(await storedAnswer(db, old.device_id, 'old')).toBeUndefined();
		expect(await storedAnswer(db, recent.device_id, 'recent')).toBeDefined();
	});

	it('forgets lost-edit reports once they are no longer handed out', async () => {
		const db = getDb();
		const created = await createAccount(
			db,
			{ email: `hk-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'correct horse' },
			NOW,
			TEST_PASSWORD_COST
		);
		if (!created.ok) throw new Error(created.message);
		const report = { account_id: created.account.id, device_id: 'AAAA-AAAA-AAAA', report: '{}' };
		await insertConflict(db, { ...report, key: 'old', created_at: NOW - CONFLICT_RETENTION_MS - 1 });
		await insertConflict(db, { ...report, key: 'recent', created_at: NOW - CONFLICT_RETENTION_MS });
		await housekeeping(db, NOW);
		const left = await db.selectFrom('store_conflicts').select('key').execute();
		expect(left.map((row) => row.key)).toEqual(['recent']);
	});
});

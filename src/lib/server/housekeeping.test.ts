import { expect, it } from 'vitest';
import { describeEachDatabase } from './testing/databases';
import { housekeeping } from './housekeeping';
import { getRequestRecord, putRequestRecord } from './repositories/requests.repository';
import { REQUEST_MAX_AGE_MS } from './activation/activation.service';

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
		await putRequestRecord(db, old);
		await putRequestRecord(db, recent);
		await housekeeping(db, NOW);
		expect(await getRequestRecord(db, old.device_id, 'old')).toBeUndefined();
		expect(await getRequestRecord(db, recent.device_id, 'recent')).toBeDefined();
	});
});

// Text PostgreSQL cannot store (NUL, lone surrogates) in a sync batch: the one operation holding it
// is rejected, the others are applied and answered, on both databases alike; and an unexpected fault
// in one operation keeps the answers of those applied before it.
import { beforeAll, expect, it, vi } from 'vitest';
import { fromUtf8 } from '$lib/protocol/bytes';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { newAccount, newLicense, NOW, queuedActivation, vendor } from '../emergency/testing';
import { readProjects } from '../store/store.service';
import { countActiveSeats } from '../activation/activations.repository';
import { applySyncBatch, syncBatchSchema } from './sync.service';

const DEVICE = 'AAAA-AAAA-AAAA';

function nameEdit(id: string, projectId: string, name: string, wall: number) {
	return {
		id,
		type: 'store-edit',
		payload: {
			edit: {
				kind: 'project-name',
				projectId,
				name,
				stamp: { wall, counter: 0, device: DEVICE },
				base: null
			}
		}
	};
}

function stampedBy(id: string, projectId: string, device: string) {
	const operation = nameEdit(id, projectId, 'Stamped', NOW);
	operation.payload.edit.stamp.device = device;
	return operation;
}

describeEachDatabase('sync: text the database cannot store, and faults in one operation', (getDb) => {
	beforeAll(() => ensureCatalogue(getDb()));

	it('rejects only the operations holding NUL or a lone surrogate; applies and answers the others', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const ids = [1, 2, 3, 4, 5].map((i) => `0000000${i}-0000-4000-8000-000000000000`);
		// As the route reads the body: the schema sets the unstorable operations aside.
		const { operations } = syncBatchSchema.parse({
			operations: [
				nameEdit('op-good-1', ids[0]!, 'Before', NOW),
				nameEdit('op-nul-01', ids[1]!, 'Bad\u0000name', NOW),
				nameEdit('op-lone-01', ids[2]!, 'Bad\ud800name', NOW),
				stampedBy('op-stamp-1', ids[3]!, 'AAAA\u0000AAAA'),
				{ ...nameEdit('op-acct-01', ids[3]!, 'Account', NOW), account: `x\u0000${account.email}` },
				nameEdit('op-good-2', ids[4]!, 'After', NOW)
			]
		});
		const results = await applySyncBatch({ db, signer: vendor, now: NOW }, operations, account);
		expect(results.map((result) => [result.id, result.status, result.error?.code])).toEqual([
			['op-good-1', 'applied', undefined],
			['op-nul-01', 'rejected', 'invalid_payload'],
			['op-lone-01', 'rejected', 'invalid_payload'],
			['op-stamp-1', 'rejected', 'invalid_payload'],
			['op-acct-01', 'rejected', 'invalid_payload'],
			['op-good-2', 'applied', undefined]
		]);
		expect(results[1]!.error!.message).toContain('NUL character (U+0000)');
		expect(results[1]!.error!.message).toContain('payload.edit.name');
		expect(results[2]!.error!.message).toContain('unpaired UTF-16 surrogate');
		const { projects } = await readProjects(db, account.id, NOW);
		expect(projects.map((project) => project.name).sort()).toEqual(['After', 'Before']);
	});

	it('the same batch passed to the service directly (not through the schema) is answered alike', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const results = await applySyncBatch(
			{ db, signer: vendor, now: NOW },
			[
				nameEdit('op-nul-02', '00000000-0000-4000-8000-0000000000a1', '\u0000', NOW),
				nameEdit('op-good-3', '00000000-0000-4000-8000-0000000000a2', 'Fine', NOW)
			],
			account
		);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'applied']);
	});

	it('an unexpected fault in one operation keeps the answers of the operations applied before it', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const good = (await newLicense(db, account.email)).license;
		const broken = (await newLicense(db, account.email)).license;
		// A signer that fails for one license only: an unexpected fault (not a refusal) in that operation.
		const signer = {
			kid: vendor.kid,
			publicKey: vendor.publicKey,
			sign: async (message: Uint8Array) => {
				if (fromUtf8(message)?.includes(broken.number)) throw new Error('disk on fire');
				return vendor.sign(message);
			}
		};
		const log = vi.spyOn(console, 'error').mockImplementation(() => {});
		const results = await applySyncBatch(
			{ db, signer: signer as typeof vendor, now: NOW },
			[
				nameEdit('op-edit-01', '00000000-0000-4000-8000-0000000000b1', 'First', NOW),
				await queuedActivation('op-act-good', good.number, account.email),
				await queuedActivation('op-act-broken', broken.number, account.email),
				nameEdit('op-edit-02', '00000000-0000-4000-8000-0000000000b2', 'Last', NOW)
			],
			account
		);
		log.mockRestore();
		// Applied before the fault: answered. The faulty one and the one after it: no result (sent again).
		expect(results.map((result) => [result.id, result.status])).toEqual([
			['op-edit-01', 'applied'],
			['op-act-good', 'applied']
		]);
		expect(await countActiveSeats(db, good.number)).toBe(1);
		expect(await countActiveSeats(db, broken.number)).toBe(0);
		const { projects } = await readProjects(db, account.id, NOW);
		expect(projects.map((project) => project.name)).toEqual(['First']);
	});
});

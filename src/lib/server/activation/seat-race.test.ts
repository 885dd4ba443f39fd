// The race for the last seats: many devices activating one license at the same moment, again and
// again, on both databases. PostgreSQL gets several pools (several app nodes, several connections
// each); SQLite is one process on one connection, as the server runs it (the HTTP version of this
// race, through the built server, is in tests/e2e/reliability.e2e.ts).
import { beforeAll, expect, it } from 'vitest';
import { createRegistrationRequest } from '$lib/protocol/reg-file';
import { signerFromKeyPair, type Signer } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { describeEachDatabase } from '../testing/databases';
import { createAccount } from '../accounts/account.service';
import { createLicense, ensureCatalogue } from '../catalogue/catalogue.service';
import { TEST_PASSWORD_COST } from '../accounts/password';
import { signerFromSeed } from '../keys/signing-keys.service';
import { countActiveSeats } from './activations.repository';
import { activate, type ActivationOutcome } from './activation.service';
import type { Db } from '../db/schema';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const vendor = signerFromSeed(new Uint8Array(32).fill(9));
const DEVICES = 50;
const SEATS = 5;
const RUNS = 20;
/** One device key per contender, reused from run to run (each run is a new license). */
const devices: Signer[] = Array.from({ length: DEVICES }, () => signerFromKeyPair(generateKeyPair()));

interface Tally {
	activated: number;
	noFreeSeat: number;
	other: string[];
}

function tally(outcomes: PromiseSettledResult<ActivationOutcome>[]): Tally {
	const result: Tally = { activated: 0, noFreeSeat: 0, other: [] };
	for (const outcome of outcomes) {
		if (outcome.status === 'rejected') result.other.push(`threw: ${String(outcome.reason)}`);
		else if (outcome.value.ok) result.activated++;
		else if (outcome.value.error.code === 'no_free_seat') result.noFreeSeat++;
		else result.other.push(outcome.value.error.code);
	}
	return result;
}

describeEachDatabase('the race for the last seats', (getDb, kind, getTestDatabase) => {
	let account: { id: string; email: string };
	/** The app nodes the contenders are spread over. */
	let nodes: Db[];

	beforeAll(async () => {
		const db = getDb();
		await ensureCatalogue(db);
		const created = await createAccount(
			db,
			{ email: `race-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'correct horse' },
			NOW,
			TEST_PASSWORD_COST
		);
		if (!created.ok) throw new Error(created.message);
		account = { id: created.account.id, email: created.account.email };
		nodes = kind === 'postgres' ? [db, getTestDatabase().reopen(), getTestDatabase().reopen()] : [db];
	});

	async function newLicense(seats: number): Promise<string> {
		const result = await createLicense(getDb(), { productCode: 'SRV', email: account.email, seats }, NOW);
		if (!result.ok) throw new Error(result.message);
		return result.created.license.number;
	}

	async function race(licenseNumber: string, contenders: Signer[]): Promise<Tally> {
		const requests = await Promise.all(
			contenders.map((signer) =>
				createRegistrationRequest({
					purpose: 'activate',
					licenseNumbers: [licenseNumber],
					email: account.email,
					signer,
					now: NOW
				})
			)
		);
		return tally(
			await Promise.allSettled(
				requests.map((request, i) =>
					activate(
						{ db: nodes[i % nodes.length]!, signer: vendor, now: NOW },
						{ request, path: 'instant', account }
					)
				)
			)
		);
	}

	it(`${DEVICES} devices for ${SEATS} seats, ${RUNS} times: exactly ${SEATS} activated every time, the rest told no seat is free`, async () => {
		for (let run = 0; run < RUNS; run++) {
			const license = await newLicense(SEATS);
			const result = await race(license, devices);
			expect({ run, ...result }).toEqual({
				run,
				activated: SEATS,
				noFreeSeat: DEVICES - SEATS,
				other: []
			});
			expect(await countActiveSeats(getDb(), license)).toBe(SEATS);
		}
	}, 120_000);

	it('20 devices for the one seat left: exactly one activated', async () => {
		const license = await newLicense(SEATS);
		expect(await race(license, devices.slice(0, SEATS - 1))).toMatchObject({ activated: SEATS - 1 });
		const result = await race(license, devices.slice(SEATS - 1, SEATS - 1 + 20));
		expect(result).toEqual({ activated: 1, noFreeSeat: 19, other: [] });
		expect(await countActiveSeats(getDb(), license)).toBe(SEATS);
	});

	it('one request sent 12 times at once over every node: one seat, and every copy gets the same answer', async () => {
		const license = await newLicense(SEATS);
		const request = await createRegistrationRequest({
			purpose: 'activate',
			licenseNumbers: [license],
			email: account.email,
			signer: devices[0]!,
			now: NOW
		});
		const outcomes = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				activate(
					{ db: nodes[i % nodes.length]!, signer: vendor, now: NOW + i },
					{ request, path: 'instant', account }
				)
			)
		);
		const answers = outcomes.map((outcome) =>
			outcome.ok ? JSON.stringify(outcome.response) : outcome.error.code
		);
		expect(new Set(answers).size).toBe(1);
		expect(outcomes[0]!.ok).toBe(true);
		expect(await countActiveSeats(getDb(), license)).toBe(1);
	});
});

// The demo data a fresh server starts with, so the License Manager has something to activate: one
// account and a license of each interesting kind. Only ever written to an empty database.
import { randomInt } from 'node:crypto';
import type { Db } from '../db/schema';
import { countAccounts } from '../accounts/accounts.repository';
import { createAccount } from '../accounts/account.service';
import { createLicense, ensureCatalogue, type CreateLicenseInput } from './catalogue.service';
import { DEFAULT_PASSWORD_COST, type PasswordCost } from '../accounts/password';

export const DEMO_EMAIL = 'demo@airlock.test';

export interface DemoLicense {
	number: string;
	productCode: string;
	description: string;
	expansions: { number: string; productCode: string }[];
}

export interface DemoSeed {
	email: string;
	/** Shown once; only its hash is stored. */
	password: string;
	licenses: DemoLicense[];
}

const READABLE = '23456789abcdefghjkmnpqrstuvwxyz';

/** Four groups of four symbols without look-alikes (about 79 bits): easy to read out and type. */
export function readablePassword(): string {
	const groups: string[] = [];
	for (let g = 0; g < 4; g++) {
		let group = '';
		for (let i = 0; i < 4; i++) group += READABLE[randomInt(READABLE.length)];
		groups.push(group);
	}
	return groups.join('-');
}

const DEMO_LICENSES: { description: string; input: Omit<CreateLicenseInput, 'email'> }[] = [
	{ description: 'Developer Edition, 1 seat', input: { productCode: 'DEV', seats: 1 } },
	{
		description: 'Server Edition, 2 seats, with Client Connections and Web & REST expansions',
		input: { productCode: 'SRV', seats: 2, expansions: ['CLX', 'WEB'] }
	},
	{
		description: 'Developer Edition, temporary (refresh every 30 days)',
		input: { productCode: 'DEV', seats: 1, temporaryDays: 30 }
	},
	{
		description: 'Server Edition "R" release: no Deferred Activation',
		input: { productCode: 'SRV', seats: 1, deferredAllowed: false }
	},
	{
		description: 'Developer Edition without Emergency Activation',
		input: { productCode: 'DEV', seats: 1, emergencyAllowed: false }
	}
];

/** Seeds the demo account and licenses when the database has no account yet; null otherwise. */
export async function seedDemo(
	db: Db,
	now: number,
	cost: PasswordCost = DEFAULT_PASSWORD_COST
): Promise<DemoSeed | null> {
	await ensureCatalogue(db);
	if ((await countAccounts(db)) > 0) return null;
	const password = readablePassword();
	const account = await createAccount(db, { email: DEMO_EMAIL, password }, now, cost);
	// Another node seeding at the same moment won the race: the database is not empty any more.
	if (!account.ok) return null;
	const licenses: DemoLicense[] = [];
	for (const { description, input } of DEMO_LICENSES) {
		const result = await createLicense(db, { ...input, email: DEMO_EMAIL }, now);
		if (!result.ok) throw new Error(`the demo catalogue is inconsistent: ${result.message}`);
		licenses.push({
			number: result.created.license.number,
			productCode: result.created.product.code,
			description,
			expansions: result.created.expansions.map((expansion) => ({
				number: expansion.license.number,
				productCode: expansion.product.code
			}))
		});
	}
	return { email: DEMO_EMAIL, password, licenses };
}

/** The lines printed once when the demo data is created. */
export function describeDemoSeed(seed: DemoSeed): string {
	const lines = [
		'Demo data created (shown once):',
		`  account:  ${seed.email}`,
		`  password: ${seed.password}`,
		'  licenses:'
	];
	for (const license of seed.licenses) {
		lines.push(`    ${license.number}  ${license.description}`);
		for (const expansion of license.expansions)
			lines.push(`      + ${expansion.number}  (${expansion.productCode})`);
	}
	return lines.join('\n');
}

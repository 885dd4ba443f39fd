import { expect, it } from 'vitest';
import { LICENSE_NUMBER_PATTERN } from '$lib/protocol/license-number';
import type { Db } from '../db/schema';
import { getLicenseWithExpansions, listLicensesByAccount, listProducts } from './licenses.repository';
import { DATABASE_KINDS, describeEachDatabase, openTestDatabase } from '../testing/databases';
import { createAccount } from '../accounts/account.service';
import { login } from '../accounts/auth.service';
import { addExpansion, createLicense, ensureCatalogue } from './catalogue.service';
import { DEMO_EMAIL, describeDemoSeed, readablePassword, seedDemo } from './demo';
import { TEST_PASSWORD_COST } from '../accounts/password';

const T0 = 1_750_000_000_000;

async function customer(db: Db) {
	const email = `c-${crypto.randomUUID()}@example.test`;
	const result = await createAccount(db, { email, password: 'customer-pass' }, T0, TEST_PASSWORD_COST);
	if (!result.ok) throw new Error(result.message);
	return email;
}

describeEachDatabase('catalogue', (getDb) => {
	it('knows the demo products', async () => {
		const db = getDb();
		await ensureCatalogue(db);
		await ensureCatalogue(db);
		expect((await listProducts(db)).map((p) => [p.code, p.kind, p.default_quantity])).toEqual([
			['CLX', 'expansion', 10],
			['DEV', 'application', 1],
			['SRV', 'application', 1],
			['WEB', 'expansion', 1]
		]);
	});

	it('creates a license with expansions that get their own numbers', async () => {
		const db = getDb();
		await ensureCatalogue(db);
		const email = await customer(db);
		const result = await createLicense(
			db,
			{
				productCode: 'srv',
				email,
				seats: 3,
				expansions: ['CLX', 'web'],
				deferredAllowed: false,
				expiresAt: T0 + 1000
			},
			T0
		);
		if (!result.ok) throw new Error(result.message);
		const { license, expansions } = result.created;
		expect(license).toMatchObject({
			product_code: 'SRV',
			seats: 3,
			quantity: 1,
			kind: 'standard',
			deferred_allowed: 0,
			emergency_allowed: 1,
			expires_at: T0 + 1000
		});
		expect(expansions.map((e) => [e.product.code, e.license.quantity, e.license.parent_number])).toEqual([
			['CLX', 10, license.number],
			['WEB', 1, license.number]
		]);
		for (const e of expansions) expect(e.license.number).toMatch(LICENSE_NUMBER_PATTERN);
		expect((await getLicenseWithExpansions(db, license.number))?.expansions).toHaveLength(2);

		const added = await addExpansion(db, license.number, 'CLX', T0 + 5);
		if (!added.ok) throw new Error(added.message);
		const reloaded = await getLicenseWithExpansions(db, license.number);
		expect(reloaded?.expansions).toHaveLength(3);
		expect(reloaded?.license.revision).toBe(2);
		expect(await addExpansion(db, added.license.number, 'CLX', T0)).toMatchObject({
			ok: false,
			code: 'unknown_license'
		});
		expect(await addExpansion(db, license.number, 'DEV', T0)).toMatchObject({
			ok: false,
			code: 'not_an_expansion'
		});
	});

	it('makes temporary licenses and refuses bad requests without writing anything', async () => {
		const db = getDb();
		await ensureCatalogue(db);
		const email = await customer(db);
		const temporary = await createLicense(
			db,
			{ productCode: 'DEV', email, temporaryDays: 30, emergencyAllowed: false },
			T0
		);
		expect(temporary).toMatchObject({
			ok: true,
			created: { license: { kind: 'temporary', renewal_days: 30, emergency_allowed: 0 } }
		});
		expect(await createLicense(db, { productCode: 'XYZ', email }, T0)).toMatchObject({
			ok: false,
			code: 'unknown_product'
		});
		expect(await createLicense(db, { productCode: 'CLX', email }, T0)).toMatchObject({
			ok: false,
			code: 'not_an_application'
		});
		expect(await createLicense(db, { productCode: 'DEV', email: 'nobody@example.test' }, T0)).toMatchObject({
			ok: false,
			code: 'unknown_account'
		});
		expect(await createLicense(db, { productCode: 'DEV', email, expansions: ['SRV'] }, T0)).toMatchObject({
			ok: false,
			code: 'not_an_expansion'
		});
		expect(await createLicense(db, { productCode: 'DEV', email, seats: 0 }, T0)).toMatchObject({
			ok: false,
			code: 'invalid_value'
		});
		expect(await createLicense(db, { productCode: 'DEV', email, expiresAt: T0 - 1 }, T0)).toMatchObject({
			ok: false,
			code: 'invalid_value'
		});
		const account = await db
			.selectFrom('accounts')
			.select('id')
			.where('email', '=', email)
			.executeTakeFirstOrThrow();
		expect(await listLicensesByAccount(db, account.id)).toHaveLength(1);
	});

	it('refuses a second account with the same e-mail, a bad e-mail and a short password', async () => {
		const db = getDb();
		const email = await customer(db);
		expect(
			await createAccount(db, { email: email.toUpperCase(), password: 'long enough' }, T0, TEST_PASSWORD_COST)
		).toMatchObject({ ok: false, code: 'email_taken' });
		expect(
			await createAccount(db, { email: 'nope', password: 'long enough' }, T0, TEST_PASSWORD_COST)
		).toMatchObject({ ok: false, code: 'invalid_email' });
		expect(
			await createAccount(db, { email: `x${email}`, password: 'short' }, T0, TEST_PASSWORD_COST)
		).toMatchObject({ ok: false, code: 'password_too_short' });
	});
});

for (const kind of DATABASE_KINDS) {
	it(`seeds the demo data on an empty database only, once [${kind}]`, async () => {
		const opened = await openTestDatabase(kind);
		try {
			const seed = await seedDemo(opened.db, T0, TEST_PASSWORD_COST);
			if (!seed) throw new Error('nothing seeded');
			expect(seed.email).toBe(DEMO_EMAIL);
			expect(seed.password).toMatch(/^[2-9a-z]{4}(-[2-9a-z]{4}){3}$/);
			expect(seed.licenses.map((l) => l.productCode)).toEqual(['DEV', 'SRV', 'DEV', 'SRV', 'DEV']);
			expect(seed.licenses[1]?.expansions.map((e) => e.productCode)).toEqual(['CLX', 'WEB']);
			expect(describeDemoSeed(seed)).toContain(seed.password);

			const account = await opened.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
			const licenses = await listLicensesByAccount(opened.db, account.id);
			expect(licenses).toHaveLength(7);
			expect(licenses.filter((l) => l.kind === 'temporary').map((l) => l.renewal_days)).toEqual([30]);
			expect(licenses.filter((l) => l.deferred_allowed === 0).map((l) => l.product_code)).toEqual(['SRV']);
			expect(licenses.filter((l) => l.emergency_allowed === 0).map((l) => l.product_code)).toEqual(['DEV']);
			expect(licenses.find((l) => l.number === seed.licenses[1]?.number)?.seats).toBe(2);
			expect(
				(
					await login(opened.db, DEMO_EMAIL, seed.password, '192.0.2.1', T0, {
						passwordCost: TEST_PASSWORD_COST
					})
				).ok
			).toBe(true);

			expect(await seedDemo(opened.db, T0, TEST_PASSWORD_COST)).toBeNull();
			expect(await opened.db.selectFrom('licenses').select('number').execute()).toHaveLength(7);
		} finally {
			await opened.close();
		}
	});
}

it('makes different readable passwords', () => {
	expect(new Set(Array.from({ length: 50 }, readablePassword)).size).toBe(50);
});

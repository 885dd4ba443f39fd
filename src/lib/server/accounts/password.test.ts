import { describe, expect, it } from 'vitest';
import {
	DEFAULT_PASSWORD_COST,
	dummyPasswordHash,
	hashPassword,
	needsRehash,
	TEST_PASSWORD_COST,
	verifyPassword
} from './password';

describe('password hashing', () => {
	it('hashes with argon2id and verifies only the right password', async () => {
		const hash = await hashPassword('correct horse', TEST_PASSWORD_COST);
		expect(hash).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
		expect(await verifyPassword(hash, 'correct horse')).toBe(true);
		expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
		expect(await hashPassword('correct horse', TEST_PASSWORD_COST)).not.toBe(hash); // salted
	});

	it('treats a malformed stored hash as a mismatch', async () => {
		expect(await verifyPassword('not a hash', 'x')).toBe(false);
	});

	it('uses production costs by default and tells when a hash is weaker', async () => {
		expect(DEFAULT_PASSWORD_COST.memoryCost).toBeGreaterThanOrEqual(19_456);
		const hash = await hashPassword('pw', TEST_PASSWORD_COST);
		expect(needsRehash(hash, TEST_PASSWORD_COST)).toBe(false);
		expect(needsRehash(hash, DEFAULT_PASSWORD_COST)).toBe(true);
		expect(needsRehash('$2b$10$bcrypt', TEST_PASSWORD_COST)).toBe(true);
	});

	it('keeps one dummy hash per cost', async () => {
		const dummy = await dummyPasswordHash(TEST_PASSWORD_COST);
		expect(await dummyPasswordHash(TEST_PASSWORD_COST)).toBe(dummy);
		expect(needsRehash(dummy, TEST_PASSWORD_COST)).toBe(false);
	});
});

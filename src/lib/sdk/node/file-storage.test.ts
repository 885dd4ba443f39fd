import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeviceIdentity } from '../identity.js';
import { StorageDamagedError, type LicenseStorage } from '../platform/storage.js';
import { fileStorage, KEY_FILE, STORE_FILE } from './file-storage.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'airlock-file-store-'));

async function counter(storage: LicenseStorage): Promise<number> {
	const row = await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'n'));
	return (row?.value as number | undefined) ?? 0;
}

describe('the Node file store', () => {
	it('keeps the device key and the licenses readable by their owner only, as bytes across a restart', async () => {
		const dir = freshDir();
		const first = await fileStorage(dir);
		const identity = await loadDeviceIdentity(first, 1);
		await first.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'n', value: 1 }));
		for (const file of [KEY_FILE, STORE_FILE]) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
		expect(statSync(dir).mode & 0o077).toBe(0);
		const reopened = await loadDeviceIdentity(await fileStorage(dir), 2);
		expect(reopened.deviceId).toBe(identity.deviceId);
		expect(reopened.signer.publicKey).toEqual(identity.signer.publicKey);
	});

	it('refuses a damaged or half-written file with what to do, and changes nothing in it', async () => {
		const dir = freshDir();
		const storage = await fileStorage(dir);
		await storage.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'n', value: 1 }));
		const good = readFileSync(join(dir, STORE_FILE), 'utf8');
		const half = good.slice(0, Math.floor(good.length / 2));
		writeFileSync(join(dir, STORE_FILE), half);
		const opening = fileStorage(dir);
		await expect(opening).rejects.toBeInstanceOf(StorageDamagedError);
		await expect(opening).rejects.toMatchObject({ remedy: expect.stringContaining('backup') });
		expect(readFileSync(join(dir, STORE_FILE), 'utf8')).toBe(half);
		writeFileSync(join(dir, STORE_FILE), JSON.stringify({ format: 'something-else', tables: {} }));
		await expect(fileStorage(dir)).rejects.toThrow('not an airlock-store/1 file');
	});

	it('two processes adding to one store at once lose none of each other’s writes', async () => {
		const dir = freshDir();
		// Two handles with their own memory and queue, meeting only through the files and the lock,
		// as two processes do.
		const [a, b] = await Promise.all([fileStorage(dir), fileStorage(dir)]);
		const add = (storage: LicenseStorage) =>
			storage.transaction('rw', ['settings'], async (tx) => {
				const row = await tx.get('settings', 'n');
				await tx.put('settings', { key: 'n', value: ((row?.value as number | undefined) ?? 0) + 1 });
			});
		await Promise.all(Array.from({ length: 20 }, (_, i) => add(i % 2 === 0 ? a : b)));
		expect(await counter(a)).toBe(20);
		expect(await counter(b)).toBe(20);
		// No temporary file or lock is left behind.
		expect(readdirSync(dir).sort()).toEqual([STORE_FILE]);
	});

	it('leaves the last good file when a write fails (a full disk), and the transaction changes nothing', async () => {
		const dir = freshDir();
		let full = false;
		const storage = await fileStorage(dir, {
			writeFile: async (path, text, options) => {
				if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
				const { default: writeFileAtomic } = await import('write-file-atomic');
				await writeFileAtomic(path, text, options);
			}
		});
		await storage.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'n', value: 1 }));
		full = true;
		await expect(
			storage.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'n', value: 2 }))
		).rejects.toThrow('no space');
		expect(await counter(storage)).toBe(1);
		expect(await counter(await fileStorage(dir))).toBe(1);
	});

	it('stops, and says so, when its folder is deleted while the program runs', async () => {
		const dir = freshDir();
		const storage = await fileStorage(dir);
		await loadDeviceIdentity(storage, 1);
		const closed: string[] = [];
		storage.onClosed((reason) => closed.push(reason.reason));
		rmSync(dir, { recursive: true });
		await expect(
			storage.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'n', value: 1 }))
		).rejects.toThrow();
		await expect(counter(storage)).rejects.toThrow('deleted');
		expect(closed).toContain('deleted');
	});
});

// Runs in Chromium (bundled by client.bench.ts): the License Manager's own client code — the import
// of license files and the outbox flush — next to bare WebCrypto and IndexedDB doing the same work.
import { openLicenses } from '$lib/sdk';
import { dexieStorage, LicenseManagerDatabase } from '$lib/sdk/browser/dexie-storage';
import type { Core } from '$lib/sdk/core';
import { newOutboxItem } from '$lib/sdk/outbox/outbox';
import { flush } from '$lib/sdk/sync';
import { checkFiles, storeConfirmed } from '$lib/sdk/workflows/deferred';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import { ed25519Backend } from '$lib/protocol/ed25519';
import { keyPairFromSeed, tweetnaclBackend } from '$lib/protocol/ed25519-tweetnacl';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import type { PublishedKeySet } from '$lib/protocol/vendor-keys';

export interface LicenseFixture {
	name: string;
	text: string;
	/** The bytes the vendor signed and the signature, for the bare WebCrypto baseline. */
	signedBytes: string;
	signature: string;
}

const managers = new Map<string, Core>();

async function manager(name: string): Promise<Core> {
	let opened = managers.get(name);
	if (!opened) {
		opened = (await openLicenses({ storage: dexieStorage(new LicenseManagerDatabase(name)) })).core;
		managers.set(name, opened);
	}
	return opened;
}

const countOf = (core: Core, table: 'licenses' | 'outbox') =>
	core.storage.transaction('r', [table], async (tx) => (await tx.all(table)).length);

/** Operations per second of `operation`, run for about `ms` milliseconds. */
async function rate(operation: () => Promise<unknown> | unknown, ms = 700): Promise<number> {
	const start = performance.now();
	let count = 0;
	while (performance.now() - start < ms) {
		for (let i = 0; i < 8; i++) await operation();
		count += 8;
	}
	return (count / (performance.now() - start)) * 1000;
}

const bench = {
	/** Ed25519 in this browser: the backend the app picks, against tweetnacl. */
	async ed25519() {
		const backend = await ed25519Backend();
		const pair = keyPairFromSeed(new Uint8Array(32).fill(5));
		const message = new Uint8Array(400).fill(42);
		const signature = await backend.sign(message, pair.secretKey);
		return {
			backend: backend.name,
			sign: await rate(() => backend.sign(message, pair.secretKey)),
			naclSign: await rate(() => tweetnaclBackend.sign(message, pair.secretKey)),
			verify: await rate(() => backend.verify(message, signature, pair.publicKey)),
			naclVerify: await rate(() => tweetnaclBackend.verify(message, signature, pair.publicKey))
		};
	},

	/** Opens (creating) a License Manager database; returns this device's public key. */
	async open(name: string, trustedKeys: PublishedKeySet): Promise<{ publicKey: string; deviceId: string }> {
		const opened = await manager(name);
		await opened.storage.transaction('rw', ['settings'], (tx) =>
			tx.put('settings', { key: 'trustedKeys', value: trustedKeys })
		);
		return {
			publicKey: encodeBase64url(opened.identity.signer.publicKey),
			deviceId: opened.identity.deviceId
		};
	},

	/** Load… of the files, then storing them, exactly as the Deferred Activation screen does. */
	async importFiles(name: string, fixtures: LicenseFixture[]) {
		const opened = await manager(name);
		const files = fixtures.map((f) => new File([f.text], f.name, { type: 'text/plain' }));
		const start = performance.now();
		const loaded = await checkFiles(opened, files);
		const checkedMs = performance.now() - start;
		const results = await storeConfirmed(opened, loaded);
		const ms = performance.now() - start;
		return {
			ms,
			checkedMs,
			stored: results.filter((r) => r.ok).length,
			rows: await countOf(opened, 'licenses'),
			errors: [
				...new Set([...loaded.map((l) => l.outcome), ...results].flatMap((r) => (r.ok ? [] : [r.error.code])))
			]
		};
	},

	/** The floor: the same signatures verified with bare WebCrypto, the same records put in one transaction. */
	async importBaseline(vendorPublicKey: string, fixtures: LicenseFixture[]) {
		const key = await crypto.subtle.importKey(
			'raw',
			decodeBase64url(vendorPublicKey)! as Uint8Array<ArrayBuffer>,
			{ name: 'Ed25519' },
			false,
			['verify']
		);
		const start = performance.now();
		let valid = 0;
		for (const f of fixtures) {
			const ok = await crypto.subtle.verify(
				{ name: 'Ed25519' },
				key,
				decodeBase64url(f.signature)! as Uint8Array<ArrayBuffer>,
				decodeBase64url(f.signedBytes)! as Uint8Array<ArrayBuffer>
			);
			if (ok) valid++;
		}
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('bench-bare', 1);
			request.onupgradeneeded = () => request.result.createObjectStore('licenses', { keyPath: 'name' });
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		await new Promise<void>((resolve, reject) => {
			const transaction = db.transaction('licenses', 'readwrite');
			const store = transaction.objectStore('licenses');
			for (const f of fixtures) store.put({ name: f.name, text: f.text });
			transaction.oncomplete = () => resolve();
			transaction.onerror = () => reject(transaction.error);
		});
		const ms = performance.now() - start;
		db.close();
		return { ms, valid };
	},

	/** Queues `count` Instant Activations (signed requests, as queued while offline). */
	async fillOutbox(name: string, count: number, licenseNumber: string, email: string) {
		const opened = await manager(name);
		const portal = `${location.origin}/portal`;
		const now = Date.now();
		const items: ReturnType<typeof newOutboxItem>[] = [];
		for (let i = 0; i < count; i++) {
			const request = await createRegistrationRequest({
				purpose: 'activate',
				licenseNumbers: [licenseNumber],
				email,
				signer: opened.identity.signer,
				now
			});
			// Queued in the past, one millisecond apart (their order): every item is due when the flush
			// starts. Dated ahead of now, the later ones were not due yet and a fast flush stopped short.
			const queuedAt = now - count + i;
			items.push(newOutboxItem('instant-activation', { request: formatRegFile(request, portal) }, queuedAt));
		}
		await opened.storage.transaction('rw', ['outbox'], (tx) => tx.putMany('outbox', items));
		return countOf(opened, 'outbox');
	},

	/** Online again: flushes the outbox the way the page does, until the server acknowledged all. */
	async flush(name: string) {
		const opened = await manager(name);
		// Time spent waiting for the server, to tell it from the time spent on this device.
		let serverMs = 0;
		const sync = opened.api.sync;
		opened.api.sync = async (operations) => {
			const sent = performance.now();
			try {
				return await sync(operations);
			} finally {
				serverMs += performance.now() - sent;
			}
		};
		const start = performance.now();
		const outcome = await flush(opened);
		const ms = performance.now() - start;
		const states: Record<string, number> = {};
		const rows = await opened.storage.transaction('r', ['outbox'], (tx) => tx.all('outbox'));
		for (const item of rows) states[String(item.state)] = (states[String(item.state)] ?? 0) + 1;
		return { ms, serverMs, outcome, states, licenses: await countOf(opened, 'licenses') };
	}
};

(globalThis as unknown as { bench: typeof bench }).bench = bench;
export type ClientBench = typeof bench;

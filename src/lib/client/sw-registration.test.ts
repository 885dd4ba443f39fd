import { describe, expect, it } from 'vitest';
import { registerServiceWorker } from './sw-registration';

class FakeWorker extends EventTarget {
	messages: unknown[] = [];
	constructor(public state: ServiceWorkerState) {
		super();
	}
	to(state: ServiceWorkerState) {
		this.state = state;
		this.dispatchEvent(new Event('statechange'));
	}
	postMessage(message: unknown) {
		this.messages.push(message);
	}
}

class FakeRegistration extends EventTarget {
	installing: FakeWorker | null = null;
	waiting: FakeWorker | null = null;
	active: FakeWorker | null = null;
}

class FakeContainer extends EventTarget {
	registered: { url: string; options: unknown }[] = [];
	constructor(
		public controller: FakeWorker | null,
		public registration: FakeRegistration
	) {
		super();
	}
	async register(url: string, options: unknown) {
		this.registered.push({ url, options });
		return this.registration;
	}
}

function start(container: FakeContainer) {
	const seen: string[] = [];
	const control = registerServiceWorker(container as unknown as ServiceWorkerContainer, '/sw.js', {
		onWaiting: () => seen.push('waiting'),
		onFirstActivated: () => seen.push('first-activated')
	});
	return { seen, control };
}

describe('service worker registration', () => {
	it('registers a module worker and tells when the first version is active, never that it waits', async () => {
		const registration = new FakeRegistration();
		const worker = new FakeWorker('installing');
		registration.installing = worker;
		const container = new FakeContainer(null, registration);
		const { seen, control } = start(container);
		await control;
		expect(container.registered).toEqual([{ url: '/sw.js', options: { type: 'module' } }]);
		// A first install is waiting for an instant, with nothing active.
		registration.waiting = worker;
		worker.to('installed');
		registration.waiting = null;
		registration.active = worker;
		worker.to('activating');
		worker.to('activated');
		expect(seen).toEqual(['first-activated']);
	});

	it('tells that an update waits, and lets it take over, then reloads', async () => {
		const registration = new FakeRegistration();
		const old = new FakeWorker('activated');
		registration.active = old;
		const container = new FakeContainer(old, registration);
		const { seen, control } = start(container);
		const { takeOver } = await control;
		const update = new FakeWorker('installing');
		registration.installing = update;
		registration.dispatchEvent(new Event('updatefound'));
		registration.installing = null;
		registration.waiting = update;
		update.to('installed');
		expect(seen).toEqual(['waiting']);

		let reloaded = 0;
		takeOver(() => reloaded++);
		expect(update.messages).toEqual([{ type: 'SKIP_WAITING' }]);
		expect(reloaded).toBe(0);
		container.dispatchEvent(new Event('controllerchange'));
		expect(reloaded).toBe(1);
		// An update activating is not the first version.
		update.to('activated');
		expect(seen).toEqual(['waiting']);
	});

	it('tells at once of an update that was already waiting before the page registered', async () => {
		const registration = new FakeRegistration();
		registration.active = new FakeWorker('activated');
		registration.waiting = new FakeWorker('installed');
		const { seen, control } = start(new FakeContainer(registration.active, registration));
		await control;
		expect(seen).toEqual(['waiting']);
	});
});

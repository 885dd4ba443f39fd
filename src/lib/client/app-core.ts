// The part of the app state loaded once the first view is on screen (app-state.svelte.ts): Dexie, the
// client core and what writes to the storage or talks to the server. One module, so one dynamic
// import brings it all.
export { openLicenses } from '$lib/sdk/open';
export { dexieStorage, LicenseManagerDatabase } from '$lib/sdk/browser/dexie-storage';
export { requestBackgroundSync } from '$lib/sdk/browser/background-sync';
export { browserFiles } from '$lib/sdk/browser/files';
export { browserDurability } from '$lib/sdk/browser/durability';
export { countDue, readLastContact, readOutbox } from '$lib/sdk/outbox/outbox';
export { checkServer } from '$lib/sdk/server-status';
export { readClock } from '$lib/sdk/time/clock-store';

// The home page's first view kept as a snapshot, so that a cold start shows the Active Licenses at
// once, before the framework has started: src/app.html's inline script paints the last snapshot
// (while it is still true) and the home page takes over once it has read the list itself.
//
// A snapshot is only ever kept when it is what the app itself would draw at the next start:
// - it is the markup the home page drew from the stored list, taken whenever that list (or what it
//   is judged by) changes, and dropped whenever data changes where no home page can redraw it;
// - it says until when it stays true (the next moment a license's days or hours left change);
// - it belongs to this build's page (the shell's signature: every script and stylesheet the page's
//   HTML links to, content-hashed), so an update never paints an older page's markup;
// - none is kept while operations wait in the outbox (the service worker may complete them with
//   no page open, where nothing could drop the snapshot), nor with the clock in doubt;
// - what can change without a stored change (online or offline, a notice, the storage's
//   durability, an open sheet) is left out of it: marked data-snapshot="omit".
import { nextTimeStatusChange, type LicenseClock } from '$lib/sdk/licenses/license-view';
import type { LicenseRow } from '$lib/sdk/rows';

/** The localStorage key (read by src/app.html's inline script too). */
export const SNAPSHOT_KEY = 'airlock-first-view';
/** The attribute the inline script sets on <html> with the shell's signature, on the home page only. */
export const SHELL_ATTRIBUTE = 'data-first-view-shell';
/** The attribute it sets on <html> while a snapshot is on screen (app.css hides the app's own view). */
export const PAINTED_ATTRIBUTE = 'data-first-view-snapshot';
/** The element holding the painted snapshot. */
export const SNAPSHOT_ID = 'first-view-snapshot';
/** Beyond this, no snapshot (a very long list would only slow every start down). */
export const MAX_SNAPSHOT_CHARS = 256 * 1024;

export interface FirstViewSnapshot {
	/** The shell's signature of the page it was taken on. */
	shell: string;
	/** The markup (the app's header and main). */
	html: string;
	/** Device time when taken: a clock set back before it makes the snapshot void. */
	takenAt: number;
	/** Device time from which some license's time status would read differently. */
	validUntil: number;
}

/** What the list depends on, besides its markup. */
export interface SnapshotState {
	licenses: LicenseRow[];
	clock: LicenseClock;
	/** Operations queued or being sent. */
	pending: number;
}

/**
 * Until when (device time) the list as judged now stays true: the first moment any license's time
 * status changes, measured from the effective time (which never runs faster than the device's).
 * Null when no snapshot may be kept at all (the clock in doubt).
 */
export function snapshotValidUntil(
	licenses: LicenseRow[],
	clock: LicenseClock,
	deviceNow: number
): number | null {
	if (clock.problem) return null;
	let until = Number.MAX_SAFE_INTEGER;
	for (const license of licenses) {
		const change = nextTimeStatusChange(license, clock);
		if (change !== null) until = Math.min(until, deviceNow + (change - clock.effectiveNow));
	}
	return until;
}

/** The markup of the given elements, without what the snapshot must not hold. */
export function snapshotMarkup(elements: Element[]): string {
	return elements
		.map((element) => {
			const copy = element.cloneNode(true) as Element;
			for (const omitted of copy.querySelectorAll('[data-snapshot="omit"]')) omitted.remove();
			// Disabled until the app has opened its storage: as the app itself draws them at start.
			for (const button of copy.querySelectorAll('[data-snapshot="disabled"]'))
				button.setAttribute('disabled', '');
			// The app's own "list read" mark is its alone (tests and the bench wait for it).
			for (const marked of copy.querySelectorAll('[data-licenses-read]'))
				marked.removeAttribute('data-licenses-read');
			return copy.outerHTML;
		})
		.join('');
}

/** The snapshot to keep for this state, or null when none may be kept. */
export function makeSnapshot(
	state: SnapshotState,
	shell: string | null,
	html: string,
	deviceNow: number
): FirstViewSnapshot | null {
	if (!shell || state.pending > 0 || html.length > MAX_SNAPSHOT_CHARS) return null;
	const validUntil = snapshotValidUntil(state.licenses, state.clock, deviceNow);
	if (validUntil === null || validUntil <= deviceNow) return null;
	return { shell, html, takenAt: deviceNow, validUntil };
}

/** Keeps the snapshot, or drops the kept one when there is none to keep (never a stale one). */
export function keepSnapshot(storage: Storage, snapshot: FirstViewSnapshot | null): void {
	try {
		if (snapshot) storage.setItem(SNAPSHOT_KEY, JSON.stringify(snapshot));
		else storage.removeItem(SNAPSHOT_KEY);
	} catch {
		// Full or refused: no snapshot rather than an old one.
		try {
			storage.removeItem(SNAPSHOT_KEY);
		} catch {
			// localStorage refused altogether: there is no snapshot to fear either.
		}
	}
}

/** Drops the kept snapshot: the data changed where no home page redraws it. */
export function dropSnapshot(storage: Storage | undefined = globalThis.localStorage): void {
	if (storage) keepSnapshot(storage, null);
}

/** Removes the painted snapshot, showing the app's own view (in the same frame: no flash). */
export function takeOver(document: Document): void {
	document.getElementById(SNAPSHOT_ID)?.remove();
	document.documentElement.removeAttribute(PAINTED_ATTRIBUTE);
}

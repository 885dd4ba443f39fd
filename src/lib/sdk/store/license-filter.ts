// Filtering and windowing of the License list: pure, so they are tested alone and measured with
// 10,000 licenses (scripts/bench/license-list.bench.ts).
import type { StoreLicenseStatus } from '$lib/protocol/store.js';
import type { LicenseListEntry } from './store-view.js';

export interface LicenseFilter {
	/** Words that must all appear in the number, product or project (case and dashes ignored). */
	query: string;
	status: StoreLicenseStatus | 'all';
	/** A project id, every project, or licenses in no project. */
	project: string | 'all' | 'none';
}

export const NO_FILTER: LicenseFilter = { query: '', status: 'all', project: 'all' };

function words(query: string): string[] {
	return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export function filterLicenses(entries: LicenseListEntry[], filter: LicenseFilter): LicenseListEntry[] {
	const terms = words(filter.query);
	return entries.filter(
		(entry) =>
			(filter.status === 'all' || entry.status === filter.status) &&
			(filter.project === 'all' ||
				(filter.project === 'none' ? entry.projectId === null : entry.projectId === filter.project)) &&
			terms.every((term) => entry.searchText.includes(term))
	);
}

export interface ListWindow {
	/** First and one-past-last index of the rows to render. */
	start: number;
	end: number;
	/** Height of the space above and below the rendered rows, in pixels. */
	before: number;
	after: number;
}

/** The rows that are on screen (plus `overscan` on each side), for a list of fixed-height rows. */
export function visibleWindow(input: {
	scrollTop: number;
	viewportHeight: number;
	rowHeight: number;
	count: number;
	overscan?: number;
}): ListWindow {
	const { rowHeight, count } = input;
	const overscan = input.overscan ?? 5;
	const first = Math.floor(Math.max(0, input.scrollTop) / rowHeight);
	const start = Math.max(0, Math.min(count, first - overscan));
	const end = Math.min(count, first + Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + overscan);
	return { start, end, before: start * rowHeight, after: Math.max(0, count - end) * rowHeight };
}

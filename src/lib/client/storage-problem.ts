// What the License Manager says when its storage fails: at start (IndexedDB cannot be opened, or
// its data is damaged) or later (deleted or closed while the page is open). Pure: the problem in,
// the words the user reads out, so every case is tested without a browser.
import type { StorageClosed } from '$lib/sdk/platform/storage';
import { t } from '$lib/i18n/shell';

export type StorageProblem =
	/** IndexedDB could not be opened at all (private mode, storage blocked or full, a damaged profile). */
	| { kind: 'unavailable'; detail: string }
	/** The data is there but cannot be read (a damaged identity, rows another program wrote). */
	| { kind: 'damaged'; detail: string; remedy: string | null }
	/** The data went away while the page was open: nothing more may be read or written. */
	| { kind: 'lost'; reason: StorageClosed['reason']; detail: string };

export interface StorageProblemText {
	title: string;
	what: string;
	/** What went with the data, when something did. */
	lost: readonly string[];
	steps: readonly string[];
	/** The platform's own words, for support. */
	detail: string;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The problem an opening failure stands for (openLicenses rejects with an AirlockError only). */
export function problemAtStart(error: unknown): StorageProblem {
	const code = (error as { code?: unknown } | null)?.code;
	const remedy = (error as { remedy?: unknown } | null)?.remedy;
	if (code === 'storage_damaged' || code === 'identity_damaged')
		return { kind: 'damaged', detail: messageOf(error), remedy: typeof remedy === 'string' ? remedy : null };
	if (code === 'storage_closed') return { kind: 'lost', reason: 'closed', detail: messageOf(error) };
	return { kind: 'unavailable', detail: messageOf(error) };
}

export function problemOfClosed(closed: StorageClosed): StorageProblem {
	return { kind: 'lost', reason: closed.reason, detail: closed.message };
}

export function describeStorageProblem(problem: StorageProblem): StorageProblemText {
	const s = t.storage;
	const detail = s.browserSaid(problem.detail);
	switch (problem.kind) {
		case 'unavailable':
			return { ...s.unavailable, lost: [], detail };
		case 'damaged':
			return {
				...s.damaged,
				lost: [],
				steps: [problem.remedy ?? s.unavailable.steps[s.unavailable.steps.length - 1]!],
				detail
			};
		case 'lost':
			if (problem.reason === 'upgraded-elsewhere') return { ...s.upgraded, lost: [], detail };
			return {
				...(problem.reason === 'deleted' ? s.deleted : s.closed),
				lost: s.lost,
				steps: s.recover,
				detail
			};
	}
}

/** One line for the troubleshooting check and report: what happened, and the platform's words. */
export function storageProblemSummary(problem: StorageProblem): string {
	const text = describeStorageProblem(problem);
	return `${text.title}. ${text.detail}`;
}

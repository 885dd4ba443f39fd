// What the License list and Projects pages show: the last synced copy with this device's queued
// edits applied on top by the same merge rule the server uses, so an offline edit shows at once
// and the server's answer later never shows anything different (unless another device's edit wins).
import {
	storeEditPayloadSchema,
	type ProjectState,
	type StoreEdit,
	type StoreLicense
} from '$lib/protocol/store.js';
import {
	applyEdit,
	effectiveProjectId,
	emptyStoreState,
	isVisibleProject,
	type StoreState
} from '$lib/protocol/store-merge.js';
import type { OutboxItem } from '../rows.js';
import { accountKey } from './store-rows.js';

export interface LicenseListEntry extends StoreLicense {
	/** The project it is in, as the user sees it (none when its project was deleted). */
	projectId: string | null;
	projectName: string | null;
	/** Lower-cased number (with and without dashes), products and project: what the search looks in. */
	searchText: string;
}

export interface ProjectEntry {
	id: string;
	name: string;
	licenseNumbers: string[];
}

export interface StoreView {
	state: StoreState;
	licenses: LicenseListEntry[];
	projects: ProjectEntry[];
}

export function buildStoreView(
	licenses: StoreLicense[],
	projects: ProjectState[],
	pending: StoreEdit[]
): StoreView {
	const state = emptyStoreState();
	for (const project of projects) state.projects.set(project.id, { ...project });
	for (const license of licenses) if (license.link) state.links.set(license.number, { ...license.link });
	for (const edit of pending) applyEdit(state, edit);

	const visible = new Map<string, ProjectEntry>();
	for (const project of state.projects.values()) {
		if (isVisibleProject(project))
			visible.set(project.id, { id: project.id, name: project.name, licenseNumbers: [] });
	}
	const entries = licenses.map((license): LicenseListEntry => {
		const projectId = effectiveProjectId(state, license.number);
		const project = projectId ? visible.get(projectId) : undefined;
		project?.licenseNumbers.push(license.number);
		const searchText = [
			license.number,
			license.number.replaceAll('-', ''),
			license.product,
			license.productName,
			project?.name ?? '',
			...license.expansions.flatMap((expansion) => [expansion.number, expansion.productName])
		]
			.join(' ')
			.toLowerCase();
		return { ...license, projectId: project?.id ?? null, projectName: project?.name ?? null, searchText };
	});
	const sortedProjects = [...visible.values()].sort(
		(a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
	);
	return { state, licenses: entries, projects: sortedProjects };
}

const isAccount = (item: OutboxItem, account: string) =>
	item.account !== undefined && accountKey(item.account) === accountKey(account);

/**
 * The store edits `account` queued on this device and the server has not refused, in queue order:
 * what its copy shows on top. Another account's edits are never applied to it, and neither are
 * those that name no account (queued by an earlier version: no one can tell whose they are).
 */
export function pendingEdits(outbox: readonly OutboxItem[], account: string | null): StoreEdit[] {
	if (account === null) return [];
	return outbox.flatMap((item): StoreEdit[] => {
		if (item.type !== 'store-edit' || item.state === 'failed' || !isAccount(item, account)) return [];
		const parsed = storeEditPayloadSchema.safeParse(item.payload);
		return parsed.success ? [parsed.data.edit] : [];
	});
}

/** The store edits of other accounts still to be sent from this device: they wait for their account. */
export function waitingForOtherAccounts(
	outbox: readonly OutboxItem[],
	account: string | null
): { account: string; count: number }[] {
	const counts = new Map<string, number>();
	for (const item of outbox) {
		if (item.type !== 'store-edit' || item.state === 'done' || item.state === 'failed') continue;
		if (item.account === undefined || (account !== null && isAccount(item, account))) continue;
		const owner = accountKey(item.account);
		counts.set(owner, (counts.get(owner) ?? 0) + 1);
	}
	return [...counts].map(([owner, count]) => ({ account: owner, count }));
}

/** How long ago, in words: "just now", "5 minutes ago", "2 hours ago", "3 days ago". */
export function formatAge(ms: number): string {
	const minutes = Math.floor(Math.max(0, ms) / 60_000);
	if (minutes < 1) return 'just now';
	if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
	const hours = Math.floor(minutes / 60);
	if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
	const days = Math.floor(hours / 24);
	return days === 1 ? '1 day ago' : `${days} days ago`;
}

// The merge rule for projects and license links, used by the server (the truth) and by the License
// Manager (its optimistic view of edits still queued). Pure: it knows nothing of storage.
//
// The rule (docs/API.md, "Projects: the merge rule"):
// - Every field is a register stamped by a hybrid logical clock: a project's name, a project's
//   deletion, a license's link. The greatest stamp wins (wall time, then counter, then device id),
//   whatever order the edits arrive in, so every copy converges to the same state.
// - Deletion wins: a deleted project stays deleted, and a license linked to it counts as unlinked.
// - No edit disappears silently: an edit is reported as lost when it arrives after a greater one
//   (older), when a greater edit made without seeing it replaces it (overridden: the newer edit's
//   `base` is not its stamp), or when its project is deleted by another device (project-deleted).
//   Edits a device made itself and then replaced or deleted itself are not reported to it.
import { compareStamps, sameStamp, type LostEdit, type Stamp, type StoreEdit } from './store.js';

export interface ProjectRegister {
	id: string;
	/** Null until the edit that created it arrives (edits may arrive in any order). */
	name: string | null;
	nameStamp: Stamp | null;
	deleted: Stamp | null;
}

export interface LinkRegister {
	projectId: string | null;
	stamp: Stamp;
}

/** The registers of one account (or the part of them an edit touches). */
export interface StoreState {
	projects: Map<string, ProjectRegister>;
	links: Map<string, LinkRegister>;
}

export function emptyStoreState(): StoreState {
	return { projects: new Map(), links: new Map() };
}

export function cloneStoreState(state: StoreState): StoreState {
	return {
		projects: new Map([...state.projects].map(([id, project]) => [id, { ...project }])),
		links: new Map([...state.links].map(([number, link]) => [number, { ...link }]))
	};
}

const before = (a: Stamp, b: Stamp) => compareStamps(a, b) < 0;

function linkEdit(licenseNumber: string, link: LinkRegister): StoreEdit {
	return { kind: 'license-link', licenseNumber, projectId: link.projectId, stamp: link.stamp, base: null };
}

/** Whether the deleting device made this edit itself before deleting: it knows, nothing to report. */
function deletedByItsAuthorLater(deleted: Stamp, edit: Stamp): boolean {
	return deleted.device === edit.device && before(edit, deleted);
}

/** The project's registers, made empty on first sight (an edit may arrive before the creation). */
function projectRegister(state: StoreState, projectId: string) {
	let project = state.projects.get(projectId);
	if (!project) {
		project = { id: projectId, name: null, nameStamp: null, deleted: null };
		state.projects.set(projectId, project);
	}
	return project;
}

function applyName(state: StoreState, edit: Extract<StoreEdit, { kind: 'project-name' }>): LostEdit[] {
	const project = projectRegister(state, edit.projectId);
	const current = project.nameStamp;
	if (current && compareStamps(edit.stamp, current) === 0) return [];
	if (current && before(edit.stamp, current)) return [{ edit, reason: 'older', winner: current }];
	const lost: LostEdit[] = [];
	if (
		current &&
		project.name !== null &&
		!project.deleted &&
		current.device !== edit.stamp.device &&
		!sameStamp(edit.base, current)
	) {
		lost.push({
			edit: { kind: 'project-name', projectId: project.id, name: project.name, stamp: current, base: null },
			reason: 'overridden',
			winner: edit.stamp
		});
	}
	project.name = edit.name;
	project.nameStamp = edit.stamp;
	if (project.deleted && !deletedByItsAuthorLater(project.deleted, edit.stamp))
		lost.push({ edit, reason: 'project-deleted', winner: project.deleted });
	return lost;
}

function applyDelete(state: StoreState, edit: Extract<StoreEdit, { kind: 'project-delete' }>): LostEdit[] {
	const project = projectRegister(state, edit.projectId);
	if (project.deleted) {
		// Deleted twice: the first deletion's stamp is kept, so every copy agrees on it.
		if (before(edit.stamp, project.deleted)) project.deleted = edit.stamp;
		return [];
	}
	project.deleted = edit.stamp;
	const lost: LostEdit[] = [];
	if (
		project.nameStamp &&
		project.name !== null &&
		project.nameStamp.device !== edit.stamp.device &&
		!sameStamp(edit.base, project.nameStamp)
	) {
		lost.push({
			edit: {
				kind: 'project-name',
				projectId: project.id,
				name: project.name,
				stamp: project.nameStamp,
				base: null
			},
			reason: 'project-deleted',
			winner: edit.stamp
		});
	}
	for (const [licenseNumber, link] of state.links) {
		if (link.projectId !== edit.projectId || deletedByItsAuthorLater(edit.stamp, link.stamp)) continue;
		lost.push({ edit: linkEdit(licenseNumber, link), reason: 'project-deleted', winner: edit.stamp });
	}
	return lost;
}

function applyLink(state: StoreState, edit: Extract<StoreEdit, { kind: 'license-link' }>): LostEdit[] {
	const current = state.links.get(edit.licenseNumber);
	if (current && compareStamps(edit.stamp, current.stamp) === 0) return [];
	if (current && before(edit.stamp, current.stamp)) return [{ edit, reason: 'older', winner: current.stamp }];
	const lost: LostEdit[] = [];
	if (current && current.stamp.device !== edit.stamp.device && !sameStamp(edit.base, current.stamp)) {
		lost.push({
			edit: linkEdit(edit.licenseNumber, current),
			reason: 'overridden',
			winner: edit.stamp
		});
	}
	state.links.set(edit.licenseNumber, { projectId: edit.projectId, stamp: edit.stamp });
	const deleted = edit.projectId === null ? null : state.projects.get(edit.projectId)?.deleted;
	if (deleted && !deletedByItsAuthorLater(deleted, edit.stamp))
		lost.push({ edit, reason: 'project-deleted', winner: deleted });
	return lost;
}

/** Applies one edit to the state in place; returns the edits that lost because of it. */
export function applyEdit(state: StoreState, edit: StoreEdit): LostEdit[] {
	switch (edit.kind) {
		case 'project-name':
			return applyName(state, edit);
		case 'project-delete':
			return applyDelete(state, edit);
		case 'license-link':
			return applyLink(state, edit);
	}
}

/** A project as the user sees it: created and not deleted. */
export function isVisibleProject(project: ProjectRegister | undefined): project is ProjectRegister & {
	name: string;
	nameStamp: Stamp;
} {
	return !!project && project.name !== null && project.nameStamp !== null && project.deleted === null;
}

/** The project a license is in, as the user sees it: none when its project was deleted. */
export function effectiveProjectId(state: StoreState, licenseNumber: string): string | null {
	const link = state.links.get(licenseNumber);
	if (!link || link.projectId === null) return null;
	return isVisibleProject(state.projects.get(link.projectId)) ? link.projectId : null;
}

/** A stable key of a lost edit, so the same loss reported twice is stored and shown once. */
export function lostEditKey(lost: LostEdit): string {
	const { edit } = lost;
	const target = edit.kind === 'license-link' ? edit.licenseNumber : edit.projectId;
	const stamp = edit.stamp;
	return `${edit.kind}:${target}:${stamp.wall}.${stamp.counter}.${stamp.device}`;
}

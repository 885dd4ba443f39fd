import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextStamp, observeStamp, compareStamps, stampKey, type Stamp, type StoreEdit } from './store.js';
import {
	applyEdit,
	effectiveProjectId,
	emptyStoreState,
	isVisibleProject,
	lostEditKey,
	type StoreState
} from './store-merge.js';

const PROJECTS = [
	'0b5c7c2e-1c1a-4b8e-9a43-000000000001',
	'0b5c7c2e-1c1a-4b8e-9a43-000000000002',
	'0b5c7c2e-1c1a-4b8e-9a43-000000000003'
];
const LICENSES = ['SRV-AAAA-BBBB-CCC2', 'SRV-AAAA-BBBB-CCC3', 'SRV-AAAA-BBBB-CCC4'];
const DEVICES = ['DEVA-AAAA-AAAA', 'DEVB-BBBB-BBBB'];

function stamp(wall: number, device = DEVICES[0]!, counter = 0): Stamp {
	return { wall, counter, device };
}

function replay(edits: StoreEdit[]): { state: StoreState; lost: Set<string> } {
	const state = emptyStoreState();
	const lost = new Set<string>();
	for (const edit of edits) for (const loss of applyEdit(state, edit)) lost.add(lostEditKey(loss));
	return { state, lost };
}

/** The state as plain sorted data, to compare two copies. */
function canonical(state: StoreState) {
	return {
		projects: [...state.projects.values()]
			.map((p) => ({
				...p,
				nameStamp: p.nameStamp && stampKey(p.nameStamp),
				deleted: p.deleted && stampKey(p.deleted)
			}))
			.sort((a, b) => a.id.localeCompare(b.id)),
		links: [...state.links.entries()]
			.map(([number, link]) => ({ number, projectId: link.projectId, stamp: stampKey(link.stamp) }))
			.sort((a, b) => a.number.localeCompare(b.number))
	};
}

describe('the merge rule by example', () => {
	it('keeps the later rename, and reports the earlier one as lost whichever arrives first', () => {
		const id = PROJECTS[0]!;
		const create: StoreEdit = {
			kind: 'project-name',
			projectId: id,
			name: 'Alpha',
			stamp: stamp(1),
			base: null
		};
		const renameA: StoreEdit = {
			kind: 'project-name',
			projectId: id,
			name: 'From A',
			stamp: stamp(5),
			base: create.stamp
		};
		const renameB: StoreEdit = {
			kind: 'project-name',
			projectId: id,
			name: 'From B',
			stamp: stamp(7, DEVICES[1]),
			base: create.stamp
		};
		for (const order of [
			[create, renameA, renameB],
			[create, renameB, renameA]
		]) {
			const { state, lost } = replay(order);
			expect(state.projects.get(id)?.name).toBe('From B');
			expect([...lost]).toEqual([lostEditKey({ edit: renameA, reason: 'older', winner: renameB.stamp })]);
		}
	});

	it('does not report an edit the next one was made on top of', () => {
		const id = PROJECTS[0]!;
		const create: StoreEdit = {
			kind: 'project-name',
			projectId: id,
			name: 'Alpha',
			stamp: stamp(1),
			base: null
		};
		const rename: StoreEdit = {
			kind: 'project-name',
			projectId: id,
			name: 'Beta',
			stamp: stamp(2, DEVICES[1]),
			base: create.stamp
		};
		expect(replay([create, rename]).lost.size).toBe(0);
	});

	it('deleting a project unlinks its licenses, and tells the device that linked one', () => {
		const id = PROJECTS[0]!;
		const create: StoreEdit = {
			kind: 'project-name',
			projectId: id,
			name: 'Alpha',
			stamp: stamp(1),
			base: null
		};
		const link: StoreEdit = {
			kind: 'license-link',
			licenseNumber: LICENSES[0]!,
			projectId: id,
			stamp: stamp(3, DEVICES[1]),
			base: null
		};
		const remove: StoreEdit = { kind: 'project-delete', projectId: id, stamp: stamp(2), base: create.stamp };
		for (const order of [
			[create, link, remove],
			[create, remove, link]
		]) {
			const { state, lost } = replay(order);
			expect(effectiveProjectId(state, LICENSES[0]!)).toBeNull();
			expect(isVisibleProject(state.projects.get(id))).toBe(false);
			expect([...lost]).toEqual([
				lostEditKey({ edit: link, reason: 'project-deleted', winner: remove.stamp })
			]);
		}
	});

	it('applies the same edit twice as once', () => {
		const create: StoreEdit = {
			kind: 'project-name',
			projectId: PROJECTS[0]!,
			name: 'A',
			stamp: stamp(1),
			base: null
		};
		const { state, lost } = replay([create, create]);
		expect(state.projects.size).toBe(1);
		expect(lost.size).toBe(0);
	});
});

describe('the hybrid logical clock', () => {
	it('orders an edit made after seeing another after it, even with a slower clock', () => {
		const seen = stamp(10_000, DEVICES[1]);
		const clock = observeStamp(stamp(5, DEVICES[0]), seen);
		const next = nextStamp(clock, 6, DEVICES[0]!);
		expect(compareStamps(next, seen)).toBeGreaterThan(0);
		expect(next.device).toBe(DEVICES[0]);
	});
});

// Two devices edit offline, now and then syncing with each other; their edits reach the server in
// any order. Every order gives the same state, and every device whose last word on a field did not
// win (and was not knowingly replaced) is told.
type Command =
	| { type: 'sync' }
	| {
			type: 'edit';
			device: number;
			action: 'name' | 'delete' | 'link' | 'unlink';
			pick: number;
			other: number;
			dt: number;
	  };

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
	{ weight: 1, arbitrary: fc.constant({ type: 'sync' as const }) },
	{
		weight: 6,
		arbitrary: fc.record({
			type: fc.constant('edit' as const),
			device: fc.integer({ min: 0, max: 1 }),
			action: fc.constantFrom('name' as const, 'delete' as const, 'link' as const, 'unlink' as const),
			pick: fc.nat(20),
			other: fc.nat(20),
			dt: fc.integer({ min: 0, max: 3 })
		})
	}
);

interface SimDevice {
	id: string;
	wall: number;
	clock: Stamp | null;
	known: StoreEdit[];
}

function simulate(commands: Command[], skew: number): StoreEdit[] {
	const devices: SimDevice[] = DEVICES.map((id, index) => ({
		id,
		wall: 1_000 + index * skew,
		clock: null,
		known: []
	}));
	const all: StoreEdit[] = [];
	for (const command of commands) {
		if (command.type === 'sync') {
			const union = new Map(
				all.map((edit) => [lostEditKey({ edit, reason: 'older', winner: edit.stamp }), edit])
			);
			for (const device of devices) {
				const have = new Set(device.known.map((edit) => stampKey(edit.stamp)));
				for (const edit of union.values()) {
					if (have.has(stampKey(edit.stamp))) continue;
					device.known.push(edit);
					device.clock = observeStamp(device.clock, edit.stamp);
				}
			}
			continue;
		}
		const device = devices[command.device]!;
		const { state } = replay(device.known);
		device.wall += command.dt;
		const stamp = nextStamp(device.clock, device.wall, device.id);
		const projectId = PROJECTS[command.pick % PROJECTS.length]!;
		const project = state.projects.get(projectId);
		let edit: StoreEdit | null = null;
		if (command.action === 'name' && !project?.deleted) {
			edit = {
				kind: 'project-name',
				projectId,
				name: `n${command.other}`,
				stamp,
				base: project?.nameStamp ?? null
			};
		} else if (command.action === 'delete' && isVisibleProject(project)) {
			edit = { kind: 'project-delete', projectId, stamp, base: project.nameStamp };
		} else if (command.action === 'link' || command.action === 'unlink') {
			const licenseNumber = LICENSES[command.other % LICENSES.length]!;
			const base = state.links.get(licenseNumber)?.stamp ?? null;
			if (command.action === 'unlink')
				edit = { kind: 'license-link', licenseNumber, projectId: null, stamp, base };
			else if (isVisibleProject(project))
				edit = { kind: 'license-link', licenseNumber, projectId, stamp, base };
		}
		if (!edit) continue;
		device.clock = stamp;
		device.known.push(edit);
		all.push(edit);
	}
	return all;
}

function shuffled<T>(items: T[], seed: number): T[] {
	const result = [...items];
	let state = seed >>> 0 || 1;
	for (let i = result.length - 1; i > 0; i--) {
		state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
		const j = state % (i + 1);
		[result[i], result[j]] = [result[j]!, result[i]!];
	}
	return result;
}

/** Whether an edit is what the final state shows. */
function reflected(state: StoreState, edit: StoreEdit): boolean {
	if (edit.kind === 'project-delete') return true;
	if (edit.kind === 'project-name') {
		const project = state.projects.get(edit.projectId);
		return isVisibleProject(project) && compareStamps(project.nameStamp, edit.stamp) === 0;
	}
	const link = state.links.get(edit.licenseNumber);
	return (
		!!link &&
		compareStamps(link.stamp, edit.stamp) === 0 &&
		effectiveProjectId(state, edit.licenseNumber) === edit.projectId
	);
}

/** Whether its own device, or an edit made on top of it, replaced it knowingly. */
function knowinglyReplaced(all: StoreEdit[], edit: StoreEdit): boolean {
	const field = (e: StoreEdit) => (e.kind === 'license-link' ? `l:${e.licenseNumber}` : `p:${e.projectId}`);
	const builtOn = all.some(
		(other) =>
			field(other) === field(edit) && other.base !== null && compareStamps(other.base, edit.stamp) === 0
	);
	if (builtOn) return true;
	if (edit.kind === 'license-link' && edit.projectId !== null) {
		return all.some(
			(other) =>
				other.kind === 'project-delete' &&
				other.projectId === edit.projectId &&
				other.stamp.device === edit.stamp.device &&
				compareStamps(other.stamp, edit.stamp) > 0
		);
	}
	return false;
}

describe('the merge rule, property', () => {
	it('converges whatever the order, and reports every lost edit (and only lost ones)', () => {
		fc.assert(
			fc.property(
				fc.array(commandArbitrary, { minLength: 1, maxLength: 40 }),
				fc.integer({ min: -5, max: 5 }),
				fc.array(fc.integer(), { minLength: 2, maxLength: 4 }),
				(commands, skew, seeds) => {
					const all = simulate(commands, skew);
					const runs = seeds.map((seed) => replay(shuffled(all, seed)));
					const expected = canonical(runs[0]!.state);
					for (const run of runs) {
						expect(canonical(run.state)).toEqual(expected);
						// Only lost edits are reported.
						for (const edit of all)
							if (run.lost.has(lostEditKey({ edit, reason: 'older', winner: edit.stamp })))
								expect(reflected(run.state, edit)).toBe(false);
						// Every device whose last word on a field lost is told.
						for (const device of DEVICES) {
							const last = new Map<string, StoreEdit>();
							for (const edit of all
								.filter((e) => e.stamp.device === device)
								.sort((a, b) => compareStamps(a.stamp, b.stamp)))
								last.set(
									edit.kind === 'license-link' ? `l:${edit.licenseNumber}` : `p:${edit.projectId}`,
									edit
								);
							for (const edit of last.values()) {
								if (reflected(run.state, edit) || knowinglyReplaced(all, edit)) continue;
								expect(run.lost).toContain(lostEditKey({ edit, reason: 'older', winner: edit.stamp }));
							}
						}
					}
				}
			),
			{ numRuns: 500 }
		);
	});
});

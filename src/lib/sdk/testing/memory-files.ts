// The files adapter's testing twin: "open" gives the files a test put in, "save" keeps what was saved.
import type { FileAccess, PickedFile } from '../platform/files.js';

export interface MemoryFiles extends FileAccess {
	/** The files the next "open" gives (as a user would pick them). */
	offer(files: { name: string; text: string }[]): void;
	/** What was saved, by name. */
	saved: Map<string, string>;
}

export function memoryFiles(): MemoryFiles {
	let offered: PickedFile[] = [];
	const saved = new Map<string, string>();
	return {
		saved,
		offer(files) {
			offered = files.map(({ name, text }) => ({
				name,
				size: new TextEncoder().encode(text).length,
				text: async () => text
			}));
		},
		async open() {
			const picked = offered;
			offered = [];
			return picked;
		},
		async save(name, text) {
			saved.set(name, text);
		}
	};
}

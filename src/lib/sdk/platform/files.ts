// Files the user opens and saves (license files, reg.txt, emergency code sheets, backups): an adapter
// each platform provides (the browser's pickers, node:fs), so the core never touches either.
export interface PickedFile {
	name: string;
	/** Size in bytes, so a file far too large is refused before it is read. */
	size: number;
	text(): Promise<string>;
}

export interface FileAccess {
	/** Asks the user for files (the browser's picker); an empty list when they close it. */
	open(options: { extensions: string[]; description: string; multiple: boolean }): Promise<PickedFile[]>;
	/** Saves text under a suggested name (the save picker, a download, or a path in Node). */
	save(name: string, text: string, options?: { extensions?: string[]; mimeType?: string }): Promise<void>;
}

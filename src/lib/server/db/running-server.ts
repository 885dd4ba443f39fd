// Which process serves a SQLite data folder: the server writes its process id to `server.pid` in
// DATA_DIR at start and removes it when it stops, so that `restore` refuses to swap the database
// under a running server. A file left by a server that crashed names a process that is gone, and
// does not count.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = 'server.pid';

export function announceServer(dataDir: string): () => void {
	const file = join(dataDir, PID_FILE);
	writeFileSync(file, `${process.pid}\n`);
	return () => {
		// Only our own: a second server started on the same folder may have written its id since.
		if (runningServerPid(dataDir) === process.pid) rmSync(file, { force: true });
	};
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The id of the live server process using this data folder, or null. */
export function runningServerPid(dataDir: string): number | null {
	let text: string;
	try {
		text = readFileSync(join(dataDir, PID_FILE), 'utf8');
	} catch {
		return null;
	}
	const pid = Number(text.trim());
	return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

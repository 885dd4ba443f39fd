// `npm start`: build when the build is missing or older than the sources, then serve it.
// PORT (default 3000) and DATA_DIR (default ./data) configure the server; nothing else is required.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureBuild, root } from './ensure-build.js';

ensureBuild();

const env = { ...process.env };
env.PORT ??= '3000';
// adapter-node assumes https when it is not told the public origin; a local start is plain http.
env.ORIGIN ??= `http://localhost:${env.PORT}`;
env.DATA_DIR = resolve(root, env.DATA_DIR ?? 'data');
mkdirSync(env.DATA_DIR, { recursive: true });
// The body limit of adapter-node is a last line of defence; routes enforce their own, smaller limits.
env.BODY_SIZE_LIMIT ??= '5M';
// Node closes a kept-alive connection after 5 idle seconds by default; a client (or a proxy) that
// reuses it at that moment gets a reset instead of an answer. Idle connections stay longer than the
// usual proxies' own idle timeout (60 s), so it is the client that closes them, never mid-request.
env.KEEP_ALIVE_TIMEOUT ??= '65';
env.HEADERS_TIMEOUT ??= '66';

// scripts/server.js: SvelteKit's handler behind the security headers every answer needs.
const server = spawn(process.execPath, [join(root, 'scripts/server.js')], {
	cwd: root,
	env,
	stdio: 'inherit'
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `node scripts/make-icons.js`: draws the padlock app icons into static/icons/ as PNG files.
// The icons are committed; this script exists so they can be redrawn (new colour, new size) without
// an image editor or an extra package: shapes are tested per sample point, 4×4 samples a pixel give
// smooth edges, and node:zlib writes the PNG.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const outDir = join(root, 'static', 'icons');

const BACKGROUND = [0x1d, 0x4e, 0xd8]; // --accent of the light theme, also the manifest theme colour
const FOREGROUND = [0xff, 0xff, 0xff];
const SAMPLES = 4;

/** A point is inside a rounded rectangle (all coordinates in units of the icon's side). */
function inRoundedRect(x, y, left, top, right, bottom, radius) {
	if (x < left || x > right || y < top || y > bottom) return false;
	const cx = Math.min(Math.max(x, left + radius), right - radius);
	const cy = Math.min(Math.max(y, top + radius), bottom - radius);
	return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/**
 * The padlock, drawn in a box of side `scale` centred in the icon: a body, a shackle (the upper half
 * of a ring plus two legs) and a keyhole cut out of the body.
 */
function inPadlock(x, y, scale) {
	const u = (x - 0.5) / scale + 0.5;
	const v = (y - 0.5) / scale + 0.5;
	const inBody = inRoundedRect(u, v, 0.18, 0.44, 0.82, 0.92, 0.06);
	const keyholeRound = (u - 0.5) ** 2 + (v - 0.63) ** 2 <= 0.065 ** 2;
	const keyholeSlot = Math.abs(u - 0.5) <= 0.03 && v >= 0.63 && v <= 0.79;
	if (inBody) return !(keyholeRound || keyholeSlot);
	const ringCentreY = 0.32;
	const distance = Math.hypot(u - 0.5, v - ringCentreY);
	const inRing = distance >= 0.14 && distance <= 0.22;
	const inLegs = v >= ringCentreY && v <= 0.46 && Math.abs(u - 0.5) >= 0.14 && Math.abs(u - 0.5) <= 0.22;
	return (inRing && v <= ringCentreY) || inLegs;
}

/** RGBA pixels of one icon. Maskable icons fill the square; the others have rounded corners. */
function drawIcon(size, maskable) {
	// A maskable icon may be cropped to a circle of 80% of its side: keep the padlock well inside.
	const padlockScale = maskable ? 0.6 : 0.8;
	const pixels = Buffer.alloc(size * size * 4);
	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			let backgroundHits = 0;
			let foregroundHits = 0;
			for (let sy = 0; sy < SAMPLES; sy++) {
				for (let sx = 0; sx < SAMPLES; sx++) {
					const x = (px + (sx + 0.5) / SAMPLES) / size;
					const y = (py + (sy + 0.5) / SAMPLES) / size;
					if (!maskable && !inRoundedRect(x, y, 0, 0, 1, 1, 0.18)) continue;
					if (inPadlock(x, y, padlockScale)) foregroundHits++;
					else backgroundHits++;
				}
			}
			const covered = backgroundHits + foregroundHits;
			const offset = (py * size + px) * 4;
			if (covered === 0) continue;
			for (let c = 0; c < 3; c++) {
				pixels[offset + c] = Math.round(
					(BACKGROUND[c] * backgroundHits + FOREGROUND[c] * foregroundHits) / covered
				);
			}
			pixels[offset + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
		}
	}
	return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes) {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/** An 8-bit RGBA PNG; each scanline gets filter type 0 (none), deflate does the rest. */
function encodePng(size, rgba) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // colour type: RGBA
	const raw = Buffer.alloc(size * (size * 4 + 1));
	for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

const icons = [
	{ file: 'icon-192.png', size: 192, maskable: false },
	{ file: 'icon-512.png', size: 512, maskable: false },
	{ file: 'icon-maskable-512.png', size: 512, maskable: true },
	{ file: 'apple-touch-icon-180.png', size: 180, maskable: true }
];

mkdirSync(outDir, { recursive: true });
for (const { file, size, maskable } of icons) {
	writeFileSync(join(outDir, file), encodePng(size, drawIcon(size, maskable)));
	console.log(`static/icons/${file}`);
}

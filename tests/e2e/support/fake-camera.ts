// A Y4M video showing a QR code, for Chromium's fake camera (--use-file-for-fake-video-capture):
// the real camera path of the app, fed with a code it must read.
import { chromium, type Browser, type Locator, type TestInfo } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

const WIDTH = 640;
const HEIGHT = 480;

export function writeQrVideo(path: string, text: string): void {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const size = qr.modules.size;
	const scale = Math.floor((HEIGHT - 40) / (size + 8));
	const left = Math.floor((WIDTH - (size + 8) * scale) / 2);
	const top = Math.floor((HEIGHT - (size + 8) * scale) / 2);
	const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			if (!qr.modules.get(y, x)) continue;
			for (let dy = 0; dy < scale; dy++) {
				const row = (top + (y + 4) * scale + dy) * WIDTH;
				luma.fill(16, row + left + (x + 4) * scale, row + left + (x + 5) * scale);
			}
		}
	}
	const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
	writeFileSync(
		path,
		Buffer.concat([
			Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F5:1 Ip A1:1 C420jpeg\n`),
			...Array(5).fill(frame)
		])
	);
}

/** A picture in grey levels (0 black … 255 white), row by row, as a camera frame holds it. */
export interface GreyImage {
	width: number;
	height: number;
	luma: number[];
}

/**
 * A video showing each picture in turn for `framesEach` frames (at 5 frames a second), centred on
 * a light background; Chromium's fake camera plays it in a loop, like a phone showing a sequence.
 */
export function writeImagesVideo(path: string, images: GreyImage[], framesEach = 8): void {
	const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
	const frames = images.map((image) => {
		if (image.width > WIDTH || image.height > HEIGHT)
			throw new RangeError('the picture is larger than a frame');
		const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
		const left = Math.floor((WIDTH - image.width) / 2);
		const top = Math.floor((HEIGHT - image.height) / 2);
		for (let y = 0; y < image.height; y++)
			for (let x = 0; x < image.width; x++)
				luma[(top + y) * WIDTH + left + x] = image.luma[y * image.width + x]!;
		return Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
	});
	writeFileSync(
		path,
		Buffer.concat([
			Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F5:1 Ip A1:1 C420jpeg\n`),
			...frames.flatMap((frame) => Array<Buffer>(framesEach).fill(frame))
		])
	);
}

/**
 * What a page's QR code (the <figure> of QrDisplay, holding the SVG the app drew) looks like, and
 * the caption shown under it, both taken at the same moment: the picture a camera pointed at that
 * screen would see. Drawn at a whole number of pixels per module, as large as a frame allows.
 */
export function qrOnScreen(figure: Locator): Promise<{ caption: string; image: GreyImage }> {
	return figure.evaluate(async (element, maxSide) => {
		// Read together, before anything waits: a sequence may move on meanwhile.
		const svg = element.querySelector('svg')!;
		const caption = element.parentElement?.querySelector('.caption')?.textContent ?? '';
		const markup = new XMLSerializer().serializeToString(svg);
		const modules = svg.viewBox.baseVal.width;
		const side = Math.floor(maxSide / modules) * modules;
		const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
		try {
			const img = new Image(side, side);
			img.src = url;
			await img.decode();
			const canvas = document.createElement('canvas');
			canvas.width = canvas.height = side;
			const context = canvas.getContext('2d')!;
			context.imageSmoothingEnabled = false;
			context.fillStyle = '#fff';
			context.fillRect(0, 0, side, side);
			context.drawImage(img, 0, 0, side, side);
			const pixels = context.getImageData(0, 0, side, side).data;
			const luma: number[] = [];
			for (let i = 0; i < pixels.length; i += 4) luma.push(pixels[i]! < 128 ? 16 : 235);
			return { caption: caption.trim(), image: { width: side, height: side, luma } };
		} finally {
			URL.revokeObjectURL(url);
		}
	}, HEIGHT - 16);
}

/**
 * A Chromium of the test's own whose camera shows `video` (rewrite it with writeQrVideo to show
 * another code), with the camera permission granted.
 */
export function launchWithFakeCamera(testInfo: TestInfo, video: string): Promise<Browser> {
	const launchOptions = testInfo.project.use.launchOptions ?? {};
	return chromium.launch({
		...launchOptions,
		args: [
			...(launchOptions.args ?? []),
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			`--use-file-for-fake-video-capture=${video}`
		]
	});
}

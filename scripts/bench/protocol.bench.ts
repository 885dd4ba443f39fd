// Protocol benchmarks: Ed25519 with tweetnacl and the native path; reg.txt plus its QR code.
import QRCode from 'qrcode';
import { createNodeBackend, nodeCrypto, signerFromKeyPair } from '../../src/lib/protocol/ed25519';
import { keyPairFromSeed, tweetnaclBackend } from '../../src/lib/protocol/ed25519-tweetnacl';
import { requestQrUrl } from '../../src/lib/protocol/qr-payload';
import { createRegistrationRequest, formatRegFile } from '../../src/lib/protocol/reg-file';
import { formatNumber, measureRate, type Row } from './measure';

export async function protocolBenchmarks(): Promise<Row[]> {
	const pair = keyPairFromSeed(new Uint8Array(32).fill(5));
	const message = new Uint8Array(400).fill(42);
	// The server's path: node:crypto key objects (what ed25519Backend() picks on Node).
	const native = createNodeBackend(nodeCrypto()!);
	const signature = await native.sign(message, pair.secretKey);

	const naclSign = await measureRate(() => tweetnaclBackend.sign(message, pair.secretKey));
	const nativeSign = await measureRate(() => native.sign(message, pair.secretKey));
	const naclVerify = await measureRate(() => tweetnaclBackend.verify(message, signature, pair.publicKey));
	const nativeVerify = await measureRate(() => native.verify(message, signature, pair.publicKey));

	const signer = signerFromKeyPair(pair);
	const licenseNumbers = [
		'SRV-5BQ7-MKXD-3H99',
		'CLX-7K3M-Q9XP-R2TX',
		'WEB-8N4J-H6FZ-CY5K',
		'DEV-2345-6789-ABCC'
	];
	const regAndQr = await measureRate(
		async () => {
			const request = await createRegistrationRequest({
				purpose: 'activate',
				licenseNumbers,
				email: 'ada@example.com',
				signer,
				now: Date.now()
			});
			formatRegFile(request, 'https://activation.example.com/portal');
			await QRCode.toString(requestQrUrl(request, 'https://activation.example.com/portal'), {
				type: 'svg',
				errorCorrectionLevel: 'M'
			});
		},
		1.5,
		0.3
	);

	const ratio = (a: number, b: number) => `${formatNumber(a / b, 1)} ×`;
	return [
		{
			what: 'Ed25519 sign / s (Node native vs tweetnacl)',
			value: formatNumber(nativeSign.opsPerSecond),
			baseline: formatNumber(naclSign.opsPerSecond),
			ratio: ratio(nativeSign.opsPerSecond, naclSign.opsPerSecond),
			target: '≥ 20 × tweetnacl',
			met: nativeSign.opsPerSecond >= 20 * naclSign.opsPerSecond
		},
		{
			what: 'Ed25519 verify / s (Node native vs tweetnacl)',
			value: formatNumber(nativeVerify.opsPerSecond),
			baseline: formatNumber(naclVerify.opsPerSecond),
			ratio: ratio(nativeVerify.opsPerSecond, naclVerify.opsPerSecond),
			target: '≥ 20 × tweetnacl',
			met: nativeVerify.opsPerSecond >= 20 * naclVerify.opsPerSecond
		},
		{
			what: 'reg.txt + its QR code (SVG), 4 licenses',
			value: `${formatNumber(regAndQr.meanMs, 2)} ms`,
			baseline: '–',
			ratio: '–',
			target: '≤ 20 ms',
			met: regAndQr.meanMs <= 20
		}
	];
}

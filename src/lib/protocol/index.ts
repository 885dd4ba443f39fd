// Airlock's formats for programs that read them without the client core: license files, reg.txt,
// the QR payloads, license numbers, device ids, the published key set and signed server time — each
// parsed and verified exactly as the License Manager and the server do (docs/FORMATS.md). Signing is
// the server's, and is not part of this entry point.
export {
	LICENSE_FILE_EXTENSION,
	LICENSE_KINDS,
	MAX_LICENSE_FILE_CHARS,
	licenseFileName,
	parseLicenseFile,
	verifyLicense,
	verifyLicenseFile,
	type LicenseError,
	type LicenseErrorCode,
	type LicenseKind,
	type LicensePayload,
	type LicenseResult,
	type SignedLicense,
	type VerifyOptions
} from './license-file.js';
export {
	LICENSE_NUMBER_PATTERN,
	checkLicenseNumber,
	formatLicenseNumber,
	normalizeLicenseNumberInput,
	parseLicenseNumber,
	type LicenseNumberCheck,
	type LicenseNumberError,
	type LicenseNumberErrorCode
} from './license-number.js';
export {
	KEY_ID_PATTERN,
	computeKeyId,
	publishedKeySetSchema,
	trustedKeysFrom,
	type PublishedKey,
	type PublishedKeySet,
	type TrustedKey,
	type TrustedKeys
} from './vendor-keys.js';
export {
	introductionBytes,
	judgeKeySet,
	keySetBytes,
	mergeAcceptedKeySet,
	type KeySetVerdict
} from './key-set.js';
export { DEVICE_ID_PATTERN, computeDeviceId, normalizeDeviceId } from './device-id.js';
export {
	MAX_REG_FILE_CHARS,
	parseRegFile,
	verifyRequest,
	type RegistrationRequest,
	type RequestError,
	type RequestErrorCode,
	type RequestPurpose,
	type RequestResult
} from './reg-file.js';
export { LICENSE_QR_PREFIX, parseRequestQr, verifyLicenseQr } from './qr-payload.js';
export {
	EMERGENCY_MAX_DAYS,
	parseEmergencyCode,
	verifyEmergencyCode,
	type EmergencyCode,
	type EmergencyCodeError,
	type EmergencyCodeErrorCode,
	type EmergencyCodeResult
} from './emergency-code.js';
export { verifyServerTime, type ServerTimeErrorCode, type ServerTimeResult } from './server-time.js';
export { apiErrorSchema, type ApiError } from './api-error.js';

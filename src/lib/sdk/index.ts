// Airlock's client core: licenses that a program can activate, keep and check offline. The License
// Manager is built on it; a vendor's web app or Node program uses it the same way (docs/SDK.md).
//
//   const licenses = await openLicenses({ ...(await nodePlatform({ dir, server })) });
//   const verdict = await licenses.check({ product: 'SRV' });
//   if (!verdict.ok) console.error(verdict.message);
export { openLicenses } from './open.js';
export type {
	ImportReport,
	LicenseFileInput,
	Licenses,
	OpenLicensesOptions,
	RequestOutcome
} from './open.js';
export { openLicenseCheck, CHECK_REASONS } from './check/index.js';
export type { CheckReason, CheckResult, Entitlement, LicenseCheck, LicenseSummary } from './check/index.js';
export { AirlockError, type AirlockErrorCode, type Refusal } from './errors.js';
export type { ActivationOutcome, NotStored, RefreshOutcome } from './workflows/activation.js';
export type { LicenseChanges } from './workflows/license-changes.js';
export type { GeneratedRequest } from './workflows/deferred.js';
export type { DeactivateOutcome } from './workflows/deactivation.js';
export type { FlushOutcome } from './outbox/outbox.js';
export type { ImportError, ImportErrorCode } from './licenses/import-decision.js';
export type { DeactivationRecord, LicenseRow } from './rows.js';
export type {
	BackupOutcome,
	DeviceBackup,
	RestoreOutcome,
	RestoreRefusalCode,
	RestoreReport
} from './backup/device-backup.js';
export type { Clock } from './platform/clock.js';
export { systemClock } from './platform/clock.js';
export type { FileAccess, PickedFile } from './platform/files.js';
export type { DurabilityState, StorageDurability } from './platform/durability.js';
export type { CameraError, QrCamera, QrScan } from './platform/camera.js';
export type {
	LicenseStorage,
	StorageClosed,
	StorageTransaction,
	TableName,
	TransactionMode
} from './platform/storage.js';
export { StorageDamagedError, TABLE_NAMES } from './platform/storage.js';

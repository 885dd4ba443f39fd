// Airlock's client core: licenses that a program can activate, keep and check offline. The License
// Manager is built on it; a vendor's web app or Node program uses it the same way (docs/SDK.md).
//
//   const licenses = await openLicenses({ ...(await nodePlatform({ dir, server })) });
//   const verdict = await licenses.check({ product: 'SRV' });
//   if (!verdict.ok) console.error(verdict.message);
export { openLicenses } from './open';
export type { ImportReport, LicenseFileInput, Licenses, OpenLicensesOptions, RequestOutcome } from './open';
export { openLicenseCheck, CHECK_REASONS } from './check';
export type { CheckReason, CheckResult, Entitlement, LicenseCheck, LicenseSummary } from './check';
export { AirlockError, type AirlockErrorCode, type Refusal } from './errors';
export type { ActivationOutcome, NotStored, RefreshOutcome } from './workflows/activation';
export type { LicenseChanges } from './workflows/license-changes';
export type { GeneratedRequest } from './workflows/deferred';
export type { FlushOutcome } from './outbox/outbox';
export type { ImportError, ImportErrorCode } from './licenses/import-decision';
export type { LicenseRow } from './rows';
export type { Clock } from './platform/clock';
export { systemClock } from './platform/clock';
export type { FileAccess, PickedFile } from './platform/files';
export type {
	LicenseStorage,
	StorageClosed,
	StorageTransaction,
	TableName,
	TransactionMode
} from './platform/storage';
export { StorageDamagedError, TABLE_NAMES } from './platform/storage';

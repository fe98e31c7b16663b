export type { DefinitionDiff, DefinitionField, DefinitionVersion } from "./core/definition-version.js";
export {
  definitionAt,
  diffDefinitions,
  IMMUTABLE_FIELDS,
  MUTABLE_FIELDS,
} from "./core/definition-version.js";
export { FeatureType, ValueType } from "./core/enums.js";
export {
  BackendUnavailableError,
  ConfigurationError,
  ConflictError,
  FeatureNotFoundError,
  FeatureStoreError,
  GroupNotFoundError,
  HistoryTrimmedError,
  IncompatibleChangeError,
  TransformNotFoundError,
  ValidationError,
} from "./core/errors.js";
export { logger } from "./core/logger.js";
export type {
  DefinitionChanges,
  FeatureData,
  FeatureDefinition,
  FeatureGroup,
  FeatureValue,
  FeatureVector,
  NormalizedDefinition,
  StoredGroup,
  ValueWrite,
  VectorEntry,
} from "./core/models.js";
export type { TransformFn } from "./core/transform.js";
export { FeatureTransform } from "./core/transform.js";
export type { ApplyOptions, ApplyResult } from "./definitions/apply-definitions.js";
export { applyDefinitions } from "./definitions/apply-definitions.js";
export type { DeclaredGroup, DefinitionsFile, FileProblem } from "./definitions/definitions-file.js";
export {
  DefinitionsFileError,
  describeProblem,
  parseDefinitions,
  readDefinitionsFile,
} from "./definitions/definitions-file.js";
export type { DefinitionsPlan, PlanAction, PlanItem } from "./definitions/definitions-plan.js";
export { planDefinitions } from "./definitions/definitions-plan.js";
export { DEFINITIONS_SCHEMA_URL } from "./definitions/definitions-schema.js";
export type {
  BatchReport,
  FeatureServiceOptions,
  ServiceTrainingSetOptions,
  TransformChoice,
} from "./service.js";
export { FeatureService } from "./service.js";
export type {
  BackendCapabilities,
  CatalogKind,
  CatalogRecord,
  CurrentScan,
  StoreBackend,
} from "./store/backend.js";
export { backendFailed } from "./store/backend.js";
export type { BackendDescriptor } from "./store/backend-descriptor.js";
export { registerBackend, storeSchemes } from "./store/backend-registry.js";
export type { BackendCall } from "./store/catalog.js";
export { Catalog } from "./store/catalog.js";
export type { ChangeFeed, FeaturePubSub, ValueChange } from "./store/changes/change-feed.js";
export { createFeaturePubSub } from "./store/changes/change-feed.js";
export type { ChangeListener } from "./store/changes/change-listeners.js";
export { openChangeFeed } from "./store/changes/open-change-feed.js";
export { compareCodePoints } from "./store/code-point-order.js";
export type { EntityPage, EntityPageQuery } from "./store/entity-page.js";
export { ENTITY_SCAN_LIMIT, pageOfIds } from "./store/entity-page.js";
export type { AsOfEntry, AsOfRow, EntryKey, EntryWrite, StoredEntry } from "./store/entry.js";
export { HISTORY_TRIMMED, supersedes, withDecodedScalar } from "./store/entry.js";
export type {
  FeatureCoverage,
  FeatureStatistics,
  NumberSummary,
  StatisticsOptions,
} from "./store/feature-statistics.js";
export { STATISTICS_SCAN_LIMIT } from "./store/feature-statistics.js";
export type {
  CatalogChanges,
  ReadOptions,
  StoreHealth,
  StoreOptions,
  VectorReadOptions,
} from "./store/feature-store.js";
export { FeatureStore } from "./store/feature-store.js";
export type {
  FeatureSummary,
  MeasureSummary,
  SummaryMeasure,
  SummaryRequest,
} from "./store/feature-summary.js";
export { binIndex, summarizeInForce } from "./store/feature-summary.js";
export type { HistoryPageQuery, HistoryPosition } from "./store/history-page.js";
export { compareHistoryPositions, pageOfHistory } from "./store/history-page.js";
export { InMemoryFeatureStore } from "./store/memory/in-memory-store.js";
export { MemoryBackend } from "./store/memory/memory-backend.js";
export { dropStore, openStore } from "./store/open-store.js";
export type { StoreObserver } from "./store/store-observers.js";
export type { EntityRow, PassThrough, TrainingRow, TrainingSetOptions } from "./store/training-set.js";
export { CompiledTransform } from "./transforms/compiled-transform.js";
export { STEP_KIND_NAMES } from "./transforms/steps/step-registry.js";
export type {
  TransformCatalogOptions,
  TransformRegistration,
} from "./transforms/transform-catalog.js";
export { TransformCatalog } from "./transforms/transform-catalog.js";
export type {
  DerivedDeclaration,
  FitSample,
  StepDeclaration,
  StoredDerived,
  StoredFeatureSteps,
  StoredStep,
  StoredTransform,
  TransformDeclaration,
} from "./transforms/transform-model.js";
export { referenceOf } from "./transforms/transform-model.js";
export { parseReference } from "./transforms/transform-reference.js";
export type { ValueShape } from "./transforms/value-shape.js";
export type { VectorTransform } from "./transforms/vector-transform.js";

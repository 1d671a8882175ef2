// orchestrator/ — the farm's server: store (SQLite or PostgreSQL engine behind an asynchronous interface),
// artifact store, scheduler with leases, and the gRPC services. Other folders import only this.
//
//   import { startOrchestrator } from '../orchestrator/index.js';
//   const o = await startOrchestrator({ port: 0, store: 'sqlite:.etbench/farm.db', tokens: [{ token, scopes: ['admin'] }] });
//   console.log(o.port);  ...  await o.close();

export { startOrchestrator, type Orchestrator, type OrchestratorOptions } from './server.js';
export { Farm, RequestError, DEFAULT_FARM_OPTIONS, type FarmOptions } from './farm.js';
export { ArtifactStore, ArtifactError, sha256Of } from './artifacts.js';
export { Authenticator, parseTokens, newToken, tokenMetadata, SCOPES, type Scope, type TokenGrant } from './auth.js';
export { SqliteStore, migrate } from './store/sqlite.js';
export { PgStore, migratePg } from './store/pg.js';
export { openStore, isPostgresAddress, storeAddressProblem, STORE_ADDRESS_HELP } from './store/open.js';
export { PG_MIGRATIONS } from './store/migrations-pg.js';
export type { Store, JobRow, RunRow, JobState, RunState, DeviceActivity } from './store/store.js';
export { MIGRATIONS } from './store/migrations.js';
export { computeStats, nearestRank } from './stats.js';
export { matchesSelector, incapability, configKey } from './matching.js';
export { programFacts, type ProgramFacts } from './program-facts.js';
export { trialMedians, trialStats, trialsOf, resultStats, storedStats, type StoredTrial, type TrialStats } from './trials.js';
export { validTiming, invalidTimingReason } from './valid-timing.js';
export { opDeltas, opProfileOf, type OpProfile, type OperatorTime, type OpDelta, type OpDeltaReport, type Fallback } from './op-profile.js';

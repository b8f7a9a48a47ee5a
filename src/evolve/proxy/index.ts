/** The metering proxy (see docs/INTERNALS.md): the runner's only door from a jail to the model. */
export { startProxy, type Proxy } from './server.ts';
export type {
  AdmitOptions, BudgetExhausted, ModelCallRecord, ProxyEvent, ProxyOptions, ProxyRecorder, RetryOptions,
  TranscriptRecord,
} from './types.ts';

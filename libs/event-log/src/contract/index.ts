export { describeEventLogContract, type EventLogContractSettings, type EventLogFactory, type EventLogUnderTest } from './event-log-contract.js';

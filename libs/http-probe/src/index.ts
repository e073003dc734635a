export * from './address-class.js';
export * from './address-guard.js';
export * from './ca-bundle.js';
export * from './judge-answer.js';
export * from './pinned-request.js';
export * from './probe-failure.js';
export * from './probe-http-endpoint.js';
export * from './network-http-probe.js';

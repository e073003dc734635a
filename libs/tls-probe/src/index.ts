export * from './chain-trust.js';
export * from './network-tls-probe.js';
export * from './peer-chain.js';
export * from './tls-handshake.js';
export * from './trusted-cas.js';

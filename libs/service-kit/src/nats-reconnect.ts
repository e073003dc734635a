/**
 * nats.js gives up after 10 reconnect attempts (about 20 s) and closes for good; a homelab NATS can be down much
 * longer (an upgrade, a reboot). Every connection Jarvis opens, the NestJS transport's included, retries forever.
 */
export const RECONNECT_FOREVER = { maxReconnectAttempts: -1, reconnectTimeWait: 500 } as const;

export * from './resolver-dns-query.js';

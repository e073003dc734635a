export { SERVICE_REGISTRY } from './service-registry.js';

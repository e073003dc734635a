import { httpEndpointSuite } from './http-endpoint-suite.js';

httpEndpointSuite('split');

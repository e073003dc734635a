import { httpEndpointSuite } from './http-endpoint-suite.js';

httpEndpointSuite('all-in-one');

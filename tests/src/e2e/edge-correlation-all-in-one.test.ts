import { edgeCorrelationSuite } from './edge-correlation-suite.js';

edgeCorrelationSuite('all-in-one');

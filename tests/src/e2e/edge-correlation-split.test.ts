import { edgeCorrelationSuite } from './edge-correlation-suite.js';

edgeCorrelationSuite('split');

import { dockerFaultSuite } from './docker-faults-suite.js';

dockerFaultSuite('split');

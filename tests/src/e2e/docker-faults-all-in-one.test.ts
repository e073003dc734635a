import { dockerFaultSuite } from './docker-faults-suite.js';

dockerFaultSuite('all-in-one');

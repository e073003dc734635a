import { executorGuardsSuite } from './executor-guards-suite.js';

executorGuardsSuite('all-in-one');

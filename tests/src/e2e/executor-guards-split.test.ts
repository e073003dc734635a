import { executorGuardsSuite } from './executor-guards-suite.js';

executorGuardsSuite('split');

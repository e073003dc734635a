import { dnsFailureScenarioSuite } from './dns-failure-scenario-suite.js';

dnsFailureScenarioSuite('split');

import { observabilitySuite } from './observability-suite.js';

observabilitySuite('all-in-one');

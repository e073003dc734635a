import { observabilitySuite } from './observability-suite.js';

observabilitySuite('split');

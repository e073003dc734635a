import { approvalAttacksSuite } from './approval-attacks-suite.js';

approvalAttacksSuite('split');

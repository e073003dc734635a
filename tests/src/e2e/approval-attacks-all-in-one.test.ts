import { approvalAttacksSuite } from './approval-attacks-suite.js';

approvalAttacksSuite('all-in-one');

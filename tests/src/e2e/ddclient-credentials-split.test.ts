import { ddclientCredentialsSuite } from './ddclient-credentials-suite.js';

ddclientCredentialsSuite('split');

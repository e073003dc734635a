import { ddclientCredentialsSuite } from './ddclient-credentials-suite.js';

ddclientCredentialsSuite('all-in-one');

// Writes vectors_js.json: the answers amazon-cognito-identity-js computes for the inputs of
// vectors.json (pycognito's), plus inputs only this client is asked about, for shared's srp tests.
//
// amazon-cognito-identity-js@6.3.21 (AWS's own browser client; its CognitoUser drives the
// sign-in and its AuthenticationHelper does the arithmetic). Run from the repository root:
//
//     mkdir -p /tmp/srp-js && npm install --prefix /tmp/srp-js amazon-cognito-identity-js@6.3.21
//     NODE_PATH=/tmp/srp-js/node_modules node shared/tests/data/srp/make_vectors_js.cjs
//
// CognitoUser.authenticateUser runs unchanged against a fake Cognito that records the SRP_A
// it is sent, answers with the vector's challenge and records the challenge responses. The
// random `a` and the clock (`new Date()`, which its DateHelper formats) are fixed.
'use strict';

const fs = require('fs');
const path = require('path');
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;

const VERSION = '6.3.21';
if (require('amazon-cognito-identity-js/package.json').version !== VERSION) {
	throw new Error(`amazon-cognito-identity-js ${VERSION} is pinned`);
}

const RealDate = Date;

/** Runs one sign-in on `input` (a vector without its answers) and returns the vector. */
function answer(input) {
	AuthenticationHelper.prototype.generateRandomSmallA = () => new BigInteger(input.a_bytes_hex, 16);
	let key;
	const computehkdf = AuthenticationHelper.prototype.computehkdf;
	AuthenticationHelper.prototype.computehkdf = function (ikm, salt) {
		key = computehkdf.call(this, ikm, salt);
		return key;
	};
	global.Date = class extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(input.unix_seconds * 1000);
			else super(...args);
		}
	};
	try {
		const pool = new CognitoUserPool({ UserPoolId: input.user_pool_id, ClientId: 'client' });
		const user = new CognitoUser({ Username: input.user_id_for_srp, Pool: pool });
		let srpA;
		let responses;
		user.client = {
			request(operation, params, callback) {
				if (operation === 'InitiateAuth') {
					srpA = params.AuthParameters.SRP_A;
					callback(null, {
						ChallengeName: 'PASSWORD_VERIFIER',
						Session: 'session',
						ChallengeParameters: {
							USER_ID_FOR_SRP: input.user_id_for_srp,
							SALT: input.salt_hex,
							SRP_B: input.srp_b_hex,
							SECRET_BLOCK: input.secret_block_b64,
						},
					});
				} else {
					responses = params.ChallengeResponses;
					callback({ code: 'Stop', message: 'the fake Cognito stops here' });
				}
			},
		};
		const details = new AuthenticationDetails({ Username: input.user_id_for_srp, Password: input.password });
		user.authenticateUser(details, { onSuccess() {}, onFailure() {} });
		if (!responses) throw new Error(`${input.name}: no challenge response`);
		return {
			...input,
			srp_a: srpA,
			hkdf_key_hex: Buffer.from(key).toString('hex'),
			timestamp: responses.TIMESTAMP,
			signature: responses.PASSWORD_CLAIM_SIGNATURE,
		};
	} finally {
		global.Date = RealDate;
		AuthenticationHelper.prototype.computehkdf = computehkdf;
	}
}

function inputs(vector) {
	const { srp_a, hkdf_key_hex, timestamp, signature, ...rest } = vector;
	return rest;
}

const dir = __dirname;
const pycognito = JSON.parse(fs.readFileSync(path.join(dir, 'vectors.json'), 'utf8')).vectors;
const vectors = pycognito.map(v => answer(inputs(v)));
for (const [ours, theirs] of vectors.map((v, i) => [v, pycognito[i]])) {
	for (const field of ['srp_a', 'hkdf_key_hex', 'timestamp', 'signature']) {
		if (ours[field] !== theirs[field]) console.log(`${ours.name}: ${field} differs from pycognito's`);
	}
}
// Where the two reference clients part: a SALT with leading zero bytes. This client reads
// SALT as an integer (`new BigInteger(SALT, 16)`), so PAD drops them; pycognito pads the
// string as sent and keeps them.
const first = inputs(pycognito[0]);
vectors.push(
	answer({
		...first,
		name: 'SALT with a leading zero byte (amazon-cognito-identity-js only)',
		salt_hex: '0012' + first.salt_hex.slice(4),
		unix_seconds: 0,
	}),
	answer({
		...first,
		name: 'SRP_B with leading zero bytes, at the Unix epoch',
		srp_b_hex: '0000' + first.srp_b_hex,
		unix_seconds: 0,
	}),
);
const out = {
	source: `amazon-cognito-identity-js ${VERSION} (CognitoUser.authenticateUser), written by make_vectors_js.cjs`,
	vectors,
};
fs.writeFileSync(path.join(dir, 'vectors_js.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors to ${path.join(dir, 'vectors_js.json')}`);

#!/usr/bin/env node
// A real OpenID provider (oidc-provider, pinned in ../package.json) for Gatekit's authentication tests.
// It issues RFC 9068 JWT access tokens by the client_credentials grant for one resource (the gateway's URI), and
// rotates its signing key on request. Its main client may also exchange tokens (RFC 8693 token exchange): a valid
// access token of this issuer as subject_token becomes a JWT for an allowed audience with the subject token's `sub`,
// `client_id` = the exchanging client and `act` = {sub: that client}. Written for Gatekit's tests; not a production
// identity provider.
//
// Usage: node test-issuer.mjs <port> <resource> <client_id> <client_secret> <scope> [initial-key.json]
//   initial-key.json: a private RSA JWK (with kid) to start with, so a test can also sign tokens of its own with the
//   provider's key (expired, wrong audience, wrong issuer); without it a fresh key is generated.
// Environment: TOKEN_TTL_SECONDS, the access tokens' lifetime (default 300; short in tests of refreshing clients);
//   USERS, space-separated names: each a client "<name>" with secret "<name>-secret" whose client_credentials
//   tokens (for <resource>) have sub = <name>, standing in for users logged in elsewhere;
//   EXCHANGE_AUDIENCES, space-separated: the audiences (or resources) a token exchange may ask for.
// Stdout: "ready <issuer>" once listening; "rotated <kid>" after each rotation; "exchanged <sub> <audience>" after
//   each token exchange.
// Stdin: a line "rotate" makes a new RS256 key the signing key (the old one stays published, second);
//        a line "drop-old" publishes only the newest key. Stdin EOF ends the process.

import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import Provider, { errors } from 'oidc-provider';
import { SignJWT, createLocalJWKSet, importJWK, jwtVerify } from 'jose';

const [portArg, resource, clientId, clientSecret, scope, keyFile] = process.argv.slice(2);
if (!portArg || !resource || !clientId || !clientSecret || !scope) {
  process.stderr.write('usage: node test-issuer.mjs <port> <resource> <client_id> <client_secret> <scope>\n');
  process.exit(2);
}
const port = Number(portArg);
const ttl = Number(process.env.TOKEN_TTL_SECONDS ?? 300);
const issuer = `http://127.0.0.1:${port}`;
const users = (process.env.USERS ?? '').split(' ').filter(Boolean);
const exchangeAudiences = (process.env.EXCHANGE_AUDIENCES ?? '').split(' ').filter(Boolean);
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

const publicKey = ({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use });

// RFC 8693: the subject token must be a valid access token of this issuer; the new token names its subject.
async function exchangeToken(ctx, keys) {
  const { client, params } = ctx.oidc;
  if (params.subject_token_type !== ACCESS_TOKEN) {
    throw new errors.InvalidRequest('subject_token_type must be an access token');
  }
  let subject;
  try {
    ({ payload: subject } = await jwtVerify(params.subject_token, createLocalJWKSet({ keys: keys.map(publicKey) }),
      { issuer }));
  } catch (err) {
    throw new errors.InvalidGrant(`subject_token is not valid: ${err.message}`);
  }
  const audience = params.audience ?? params.resource;
  if (!audience || !exchangeAudiences.includes(audience)) {
    throw new errors.InvalidTarget(`no tokens are exchanged for the audience ${audience}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await new SignJWT({
    client_id: client.clientId, act: { sub: client.clientId }, scope: params.scope ?? subject.scope,
  })
    .setProtectedHeader({ alg: 'RS256', kid: keys[0].kid, typ: 'at+jwt' })
    .setIssuer(issuer).setSubject(subject.sub).setAudience(audience)
    .setIssuedAt(now).setExpirationTime(now + ttl).setJti(randomUUID())
    .sign(await importJWK(keys[0], 'RS256'));
  process.stdout.write(`exchanged ${subject.sub} ${audience}\n`);
  ctx.body = { access_token: accessToken, issued_token_type: ACCESS_TOKEN, token_type: 'Bearer', expires_in: ttl };
}

function provider(keys) {
  const p = new Provider(issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials', TOKEN_EXCHANGE],
      redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope,
    }, ...users.map((user) => ({
      client_id: user, client_secret: `${user}-secret`, grant_types: ['client_credentials'],
      redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope,
    }))],
    jwks: { keys },
    scopes: scope.split(' '),
    ttl: { ClientCredentials: ttl },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return { scope, audience: resource, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  });
  p.registerGrantType(TOKEN_EXCHANGE, (ctx) => exchangeToken(ctx, keys),
    ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'resource', 'scope'],
    ['audience', 'resource']);
  p.on('server_error', (ctx, err) => process.stderr.write(`server_error: ${err.stack}\n`));
  return p;
}

let keys = [keyFile ? { alg: 'RS256', use: 'sig', ...JSON.parse(readFileSync(keyFile, 'utf8')) } : newKey()];
let handler = provider(keys).callback();
const server = http.createServer((req, res) => handler(req, res));
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'rotate') {
    keys = [newKey(), ...keys];
  } else if (command === 'drop-old') {
    keys = [keys[0]];
  } else {
    return;
  }
  handler = provider(keys).callback();
  process.stdout.write(`rotated ${keys[0].kid}\n`);
});
lines.on('close', () => server.close(() => process.exit(0)));

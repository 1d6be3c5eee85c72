#!/usr/bin/env node
// A real OpenID provider (oidc-provider, pinned in ../package.json) for Gatekit's authentication tests.
// It issues RFC 9068 JWT access tokens by the client_credentials grant for one resource (the gateway's URI), and
// rotates its signing key on request. Written for Gatekit's tests; not a production identity provider.
//
// Usage: node test-issuer.mjs <port> <resource> <client_id> <client_secret> <scope> [initial-key.json]
//   initial-key.json: a private RSA JWK (with kid) to start with, so a test can also sign tokens of its own with the
//   provider's key (expired, wrong audience, wrong issuer); without it a fresh key is generated.
// Environment: TOKEN_TTL_SECONDS, the access tokens' lifetime (default 300; short in tests of refreshing clients).
// Stdout: "ready <issuer>" once listening; "rotated <kid>" after each rotation.
// Stdin: a line "rotate" makes a new RS256 key the signing key (the old one stays published, second);
//        a line "drop-old" publishes only the newest key. Stdin EOF ends the process.

import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import Provider, { errors } from 'oidc-provider';

const [portArg, resource, clientId, clientSecret, scope, keyFile] = process.argv.slice(2);
if (!portArg || !resource || !clientId || !clientSecret || !scope) {
  process.stderr.write('usage: node test-issuer.mjs <port> <resource> <client_id> <client_secret> <scope>\n');
  process.exit(2);
}
const port = Number(portArg);
const ttl = Number(process.env.TOKEN_TTL_SECONDS ?? 300);
const issuer = `http://127.0.0.1:${port}`;

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function provider(keys) {
  const p = new Provider(issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'],
      redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope,
    }],
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

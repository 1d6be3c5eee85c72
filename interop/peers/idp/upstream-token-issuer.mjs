#!/usr/bin/env node
// An OAuth provider (oidc-provider, pinned in ../package.json) that mints the gateway's own tokens for an upstream,
// for Gatekit's upstream-credential tests: the client_credentials grant, client_secret_basic, JWT access tokens for
// one RFC 8707 resource (the upstream's URL) with a short, chosen lifetime, so a test sees them renewed. For tests
// only; not a production identity provider.
//
// Usage: node upstream-token-issuer.mjs <port> <resource> <client_id> <client_secret> <scope> <ttl-seconds>
// Stdout: "ready <issuer>" once listening (the token endpoint is <issuer>/token). Stdin EOF ends the process.

import http from 'node:http';
import readline from 'node:readline';
import Provider, { errors } from 'oidc-provider';

const [portArg, resource, clientId, clientSecret, scope, ttlArg] = process.argv.slice(2);
if (!portArg || !resource || !clientId || !clientSecret || !scope || !ttlArg) {
  process.stderr.write('usage: node upstream-token-issuer.mjs <port> <resource> <client_id> <client_secret> <scope> <ttl>\n');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${Number(portArg)}`;
const ttl = Number(ttlArg);

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'], redirect_uris: [],
    response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope,
  }],
  scopes: scope.split(' '),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) {
          throw new errors.InvalidTarget();
        }
        return { scope, audience: resource, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
});
provider.on('server_error', (ctx, err) => process.stderr.write(`server_error: ${err.stack}\n`));

const server = http.createServer(provider.callback());
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
readline.createInterface({ input: process.stdin }).on('close', () => server.close(() => process.exit(0)));

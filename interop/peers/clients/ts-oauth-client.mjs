#!/usr/bin/env node
// Scripted MCP client for Gatekit's HTTP face behind an OAuth authorization server, built on the official
// TypeScript SDK v1 (@modelcontextprotocol/sdk): the SDK's own discovery (401 -> RFC 9728 protected resource
// metadata -> authorization server metadata) and client_credentials token request with the RFC 8707 resource,
// then ordinary MCP calls with the token. Written for Gatekit's tests.
// Output: one JSON line per check {"check","ok","detail"}, then {"done":true,"passed":N,"failed":M}.
// Exit 0 when every check passed, 1 otherwise, 2 on bad usage.
//
// Usage: node ts-oauth-client.mjs <url> <client_id> <client_secret> <scope> [--prefix P]

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { checks, text } from './checks.mjs';

const { check, finish } = checks();

const args = process.argv.slice(2);
const [url, clientId, clientSecret, scope] = args;
if (!url || !clientId || !clientSecret || !scope) {
  process.stderr.write('usage: node ts-oauth-client.mjs <url> <client_id> <client_secret> <scope> [--prefix P]\n');
  process.exit(2);
}
const prefix = args.includes('--prefix') ? args[args.indexOf('--prefix') + 1] : 'demo__';
const OPTS = { timeout: 15_000 };


const authProvider = new ClientCredentialsProvider({ clientId, clientSecret, scope });
const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider });
const client = new Client({ name: 'gatekit-ts-oauth-client', version: '1.0.0' }, { capabilities: {} });

await check('initialize', async () => {
  await client.connect(transport, OPTS);
  if (!transport.sessionId) throw new Error('no session id');
  const tokens = authProvider.tokens();
  if (!tokens || !tokens.access_token) throw new Error('no token was obtained');
  const [, payload] = tokens.access_token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return { serverName: client.getServerVersion().name, aud: claims.aud, scope: claims.scope, iss: claims.iss };
});
await check('echo', async () => {
  const r = await client.callTool({ name: prefix + 'echo', arguments: { message: 'hello with a token' } }, undefined, OPTS);
  if (text(r) !== 'hello with a token') throw new Error('echo returned ' + JSON.stringify(r));
  return { text: text(r) };
});
await check('terminate', async () => {
  await transport.terminateSession();
  return {};
});
await client.close().catch(() => {});
finish();

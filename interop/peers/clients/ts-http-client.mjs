#!/usr/bin/env node
// Scripted MCP client for Gatekit's Streamable HTTP face, built on the official TypeScript SDK v1
// (@modelcontextprotocol/sdk, StreamableHTTPClientTransport, legacy sessions). Written for Gatekit's tests.
// Output: one JSON line per check {"check","ok","detail"}, then {"done":true,"passed":N,"failed":M}.
// Exit 0 when every check passed, 1 otherwise, 2 on bad usage. Every wait is bounded.
//
// Usage: node ts-http-client.mjs <url> [--prefix P]   (P defaults to "demo__"; tools: echo, sleep, sample)

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { checks, text } from './checks.mjs';

const { check, finish } = checks();

const args = process.argv.slice(2);
const url = args[0];
if (!url) { process.stderr.write('usage: node ts-http-client.mjs <url> [--prefix P]\n'); process.exit(2); }
const prefix = args.includes('--prefix') ? args[args.indexOf('--prefix') + 1] : 'demo__';
const OPTS = { timeout: 15_000 };


const transport = new StreamableHTTPClientTransport(new URL(url));
const client = new Client({ name: 'gatekit-ts-http-client', version: '1.0.0' }, { capabilities: { sampling: {} } });
let samplingRequests = 0;
client.setRequestHandler(CreateMessageRequestSchema, async () => {
  samplingRequests++;
  return { role: 'assistant', content: { type: 'text', text: 'sampled by the ts client' }, model: 'test' };
});

await check('initialize', async () => {
  await client.connect(transport, OPTS);
  const v = client.getServerVersion();
  if (!transport.sessionId) throw new Error('no session id');
  return { serverName: v.name, sessionId: transport.sessionId, protocolVersion: transport.protocolVersion };
});
await check('tools', async () => {
  const { tools } = await client.listTools({}, OPTS);
  return { names: tools.map((t) => t.name) };
});
await check('echo', async () => {
  const r = await client.callTool({ name: prefix + 'echo', arguments: { message: 'hello over http' } }, undefined, OPTS);
  if (text(r) !== 'hello over http') throw new Error('echo returned ' + JSON.stringify(r));
  return { text: text(r) };
});
await check('concurrent', async () => {
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    client.callTool({ name: prefix + 'echo', arguments: { message: 'c' + i } }, undefined, OPTS)));
  const matched = results.filter((r, i) => text(r) === 'c' + i).length;
  if (matched !== 30) throw new Error('matched ' + matched);
  return { matched };
});
await check('progress', async () => {
  let notifications = 0;
  const r = await client.callTool({ name: prefix + 'sleep', arguments: { ms: 600, steps: 3 } }, undefined,
    { ...OPTS, onprogress: () => { notifications++; } });
  return { notifications, text: text(r) };
});
await check('sampling', async () => {
  const r = await client.callTool({ name: prefix + 'sample', arguments: { prompt: 'hi' } }, undefined, OPTS);
  if (!text(r).includes('sampled by the ts client')) throw new Error('sample returned ' + JSON.stringify(r));
  return { samplingRequests, text: text(r) };
});
await check('ping', async () => { await client.ping(OPTS); return {}; });
await check('terminate', async () => {
  const id = transport.sessionId;
  await transport.terminateSession();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json',
    accept: 'application/json, text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }), signal: AbortSignal.timeout(10_000) });
  if (res.status !== 404) throw new Error('after DELETE: ' + res.status);
  return { statusAfterDelete: res.status };
});
await client.close().catch(() => {});
finish();

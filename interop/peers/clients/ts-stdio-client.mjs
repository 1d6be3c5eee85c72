#!/usr/bin/env node
// Scripted MCP client for Gatekit interop tests, built on the official TypeScript SDK v1
// (@modelcontextprotocol/sdk, pinned in ../package.json). It spawns an MCP server command over stdio
// (either a real server such as server-everything, or the Gatekit gateway fronting it) and runs a fixed
// scenario. Output: one JSON object per line on stdout per check, then a final summary line:
//   {"check":"<name>","ok":true|false,"detail":...}
//   {"done":true,"passed":N,"failed":M}
// Exit code 0 when every check passed, 1 otherwise, 2 on bad usage.
//
// Usage: node ts-stdio-client.mjs [--prefix P] [--scenario NAME[,NAME...]] -- <command> [args...]
//
// The tool names are those of @modelcontextprotocol/server-everything 2026.8.31 (dist/tools/*.js);
// --prefix is prepended to each of them (the gateway exposes them as "<upstream>__<tool>").

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

// ---------------------------------------------------------------------------------------------------------
// stdout discipline: only check lines go to stdout. Anything else that uses console.* goes to stderr.
const writeLine = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
for (const m of ['log', 'info', 'debug', 'warn']) {
  console[m] = (...a) => process.stderr.write(a.map(String).join(' ') + '\n');
}
const log = (...a) => process.stderr.write('[ts-stdio-client] ' + a.map(String).join(' ') + '\n');

// ---------------------------------------------------------------------------------------------------------
// Limits
const CHECK_TIMEOUT_MS = 15_000; // hard bound per check
const REQUEST_TIMEOUT_MS = 12_000; // SDK-level timeout for each request (below the check bound)
const CONNECT_TIMEOUT_MS = 15_000;
const RUN_DEADLINE_MS = 54_000; // every check must end by then; later checks are reported failed
const MIN_CHECK_BUDGET_MS = 1_000; // do not start a check with less time than this left
const HARD_EXIT_MS = 59_500; // absolute backstop for the whole process
const CLOSE_TIMEOUT_MS = 3_000;

// Tool names (server-everything 2026.8.31, see dist/tools/*.js)
const TOOL = {
  echo: 'echo', // args {message: string}
  longRunning: 'trigger-long-running-operation', // args {duration: seconds, steps: number}
  sampling: 'trigger-sampling-request', // args {prompt: string, maxTokens?: number}; needs client 'sampling'
  roots: 'get-roots-list', // no args; needs client 'roots'
  elicitation: 'trigger-elicitation-request', // no args; needs client 'elicitation'
};

const ROOT_URI = 'file:///tmp/gatekit-interop-root';
const ROOT_NAME = 'interop-root';
const SAMPLED_PREFIX = 'gatekit-sampled: ';

const SCENARIOS = [
  'initialize',
  'tools',
  'echo',
  'concurrent',
  'progress',
  'cancel',
  'sampling',
  'roots',
  'elicitation',
  'ping',
];

// ---------------------------------------------------------------------------------------------------------
// Argument parsing
function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write(
    'usage: node ts-stdio-client.mjs [--prefix P] [--scenario NAME[,NAME...]] -- <command> [args...]\n' +
      `scenarios: ${SCENARIOS.join(', ')}\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  let prefix = '';
  let scenarios = [...SCENARIOS];
  const sep = argv.indexOf('--');
  if (sep < 0) usage('missing "--" before the server command');
  const opts = argv.slice(0, sep);
  const cmd = argv.slice(sep + 1);
  if (cmd.length === 0) usage('missing server command after "--"');
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i];
    const takeValue = (name) => {
      if (a.startsWith(name + '=')) return a.slice(name.length + 1);
      if (i + 1 >= opts.length) usage(`${name} needs a value`);
      return opts[++i];
    };
    if (a === '--prefix' || a.startsWith('--prefix=')) {
      prefix = takeValue('--prefix');
    } else if (a === '--scenario' || a.startsWith('--scenario=')) {
      const names = takeValue('--scenario')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const n of names) if (!SCENARIOS.includes(n)) usage(`unknown scenario "${n}"`);
      if (names.length === 0) usage('--scenario needs at least one name');
      scenarios = SCENARIOS.filter((s) => names.includes(s)); // canonical order
    } else if (a === '-h' || a === '--help') {
      usage();
    } else {
      usage(`unknown option "${a}"`);
    }
  }
  return { prefix, scenarios, command: cmd[0], args: cmd.slice(1) };
}

const opts = parseArgs(process.argv.slice(2));
const P = (name) => opts.prefix + name;

// ---------------------------------------------------------------------------------------------------------
// Result bookkeeping
let passed = 0;
let failed = 0;
const reported = new Set();
let finished = false;

function report(check, ok, detail) {
  if (reported.has(check) || finished) return;
  reported.add(check);
  if (ok) passed++;
  else failed++;
  writeLine({ check, ok: !!ok, detail: detail === undefined ? null : detail });
}

function finish(reason = 'not run') {
  if (finished) return;
  // Anything selected but never reported counts as failed.
  for (const s of opts.scenarios) if (!reported.has(s)) report(s, false, { error: reason });
  finished = true;
  writeLine({ done: true, passed, failed });
}

const errDetail = (e) => {
  if (e && typeof e === 'object') {
    const d = { error: e.message ?? String(e) };
    if (e.code !== undefined) d.code = e.code;
    if (e.name && e.name !== 'Error') d.name = e.name;
    return d;
  }
  return { error: String(e) };
};

function withTimeout(promise, ms, what) {
  let t;
  const timeout = new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(t));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function textOf(result) {
  if (!result || !Array.isArray(result.content)) return '';
  return result.content
    .filter((c) => c && c.type === 'text' && typeof c.text === 'string')
    .map((c) => c.text)
    .join('\n');
}

const truncate = (s, n = 300) => (typeof s === 'string' && s.length > n ? s.slice(0, n) + '…' : s);

// ---------------------------------------------------------------------------------------------------------
// Elicitation: fill a requested (flat, form-mode) schema with plausible values.
function firstConst(list) {
  if (!Array.isArray(list)) return undefined;
  for (const o of list) if (o && typeof o === 'object' && o.const !== undefined) return o.const;
  return undefined;
}

function choicesOf(schema) {
  if (!schema || typeof schema !== 'object') return [];
  if (Array.isArray(schema.enum)) return schema.enum;
  for (const k of ['oneOf', 'anyOf']) {
    if (Array.isArray(schema[k])) {
      const c = schema[k].filter((o) => o && o.const !== undefined).map((o) => o.const);
      if (c.length) return c;
    }
  }
  return [];
}

function plausibleValue(schema) {
  if (!schema || typeof schema !== 'object') return 'gatekit';
  if (schema.const !== undefined) return schema.const;
  const choices = choicesOf(schema);
  if (choices.length && schema.type !== 'array') return choices[0];
  switch (schema.type) {
    case 'boolean':
      return true;
    case 'integer':
    case 'number': {
      let v = 1;
      if (typeof schema.minimum === 'number' && v < schema.minimum) v = schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) v = schema.exclusiveMinimum + 1;
      if (typeof schema.maximum === 'number' && v > schema.maximum) v = schema.maximum;
      if (schema.type === 'integer') v = Math.ceil(v);
      return v;
    }
    case 'array': {
      const itemChoices = choicesOf(schema.items);
      const n = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      if (itemChoices.length) return itemChoices.slice(0, Math.min(n, itemChoices.length));
      return Array.from({ length: n }, () => String(plausibleValue(schema.items ?? { type: 'string' })));
    }
    case 'string':
    default: {
      switch (schema.format) {
        case 'email':
          return 'gatekit@example.com';
        case 'uri':
          return 'https://gatekit.example.com/';
        case 'date':
          return '2024-01-01';
        case 'date-time':
          return '2024-01-01T00:00:00Z';
        default: {
          let s = 'gatekit';
          if (typeof schema.minLength === 'number' && s.length < schema.minLength) s = s.padEnd(schema.minLength, 'x');
          if (typeof schema.maxLength === 'number' && s.length > schema.maxLength) s = s.slice(0, schema.maxLength);
          return s;
        }
      }
    }
  }
}

function fillSchema(requestedSchema) {
  const content = {};
  const props = requestedSchema?.properties ?? {};
  for (const [k, s] of Object.entries(props)) content[k] = plausibleValue(s);
  return content;
}

// ---------------------------------------------------------------------------------------------------------
// Client setup
const serverToClient = { sampling: 0, roots: 0, elicitation: 0, lastElicitation: null };

const client = new Client(
  { name: 'gatekit-interop-ts-stdio-client', version: '1.0.0' },
  {
    capabilities: {
      sampling: {},
      roots: { listChanged: true },
      elicitation: { form: {} },
    },
  },
);

client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  serverToClient.sampling++;
  const msgs = request.params.messages ?? [];
  const user = msgs.find((m) => m.role === 'user') ?? msgs[0];
  let text = '';
  if (user) {
    const blocks = Array.isArray(user.content) ? user.content : [user.content];
    const t = blocks.find((b) => b && b.type === 'text');
    text = t ? t.text : '';
  }
  return {
    role: 'assistant',
    content: { type: 'text', text: SAMPLED_PREFIX + text },
    model: 'interop-test-model',
    stopReason: 'endTurn',
  };
});

client.setRequestHandler(ListRootsRequestSchema, async () => {
  serverToClient.roots++;
  return { roots: [{ uri: ROOT_URI, name: ROOT_NAME }] };
});

client.setRequestHandler(ElicitRequestSchema, async (request) => {
  serverToClient.elicitation++;
  const params = request.params ?? {};
  if (params.mode === 'url') return { action: 'decline' };
  const content = fillSchema(params.requestedSchema);
  serverToClient.lastElicitation = content;
  return { action: 'accept', content };
});

// The SDK runs notification handlers in a microtask but settles responses synchronously, so a progress
// notification that arrives in the same stdout chunk as its response is reported here as "unknown token".
let lateProgressDropped = 0;
client.onerror = (e) => {
  const msg = e?.message ?? String(e);
  if (msg.includes('progress notification for an unknown token')) lateProgressDropped++;
  log('client error:', msg);
};

let negotiatedProtocolVersion = null;
const transport = new StdioClientTransport({
  command: opts.command,
  args: opts.args,
  env: Object.fromEntries(Object.entries(process.env).filter(([, v]) => typeof v === 'string')),
  stderr: 'inherit', // child stderr -> our stderr, never stdout
});
// Capture the negotiated version (the SDK calls this hook right after initialize if present).
transport.setProtocolVersion = (v) => {
  negotiatedProtocolVersion = v;
};

let closed = false;
async function shutdown() {
  if (closed) return;
  closed = true;
  try {
    await withTimeout(client.close(), CLOSE_TIMEOUT_MS, 'close');
  } catch (e) {
    log('close:', e?.message ?? e);
  }
  const pid = transport.pid;
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

// Absolute bound on the whole run.
const hardExit = setTimeout(() => {
  log(`hard run limit of ${HARD_EXIT_MS} ms reached`);
  finish(`aborted: hard run limit of ${HARD_EXIT_MS} ms reached`);
  const pid = transport.pid;
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* ignore */
    }
  }
  process.exit(1);
}, HARD_EXIT_MS);
hardExit.unref();

const runStart = Date.now();
const callOpts = (extra = {}) => ({ timeout: REQUEST_TIMEOUT_MS, ...extra });
const call = (tool, args, extra) => client.callTool({ name: P(tool), arguments: args }, undefined, callOpts(extra));

// ---------------------------------------------------------------------------------------------------------
// Scenarios. Each returns {ok, detail}.
const scenarioImpl = {
  async initialize() {
    const serverVersion = client.getServerVersion();
    const capabilities = client.getServerCapabilities();
    const ok = !!serverVersion && !!serverVersion.name && !!capabilities && typeof capabilities === 'object';
    return {
      ok,
      detail: {
        serverVersion: serverVersion ?? null,
        capabilities: capabilities ?? null,
        protocolVersion: negotiatedProtocolVersion,
        hasInstructions: typeof client.getInstructions() === 'string',
      },
    };
  },

  async tools() {
    const names = [];
    let cursor;
    for (let page = 0; page < 50; page++) {
      const res = await client.listTools(cursor ? { cursor } : undefined, callOpts());
      for (const t of res.tools ?? []) names.push(t.name);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    const wanted = P(TOOL.echo);
    return { ok: names.includes(wanted), detail: { wanted, count: names.length, names } };
  },

  async echo() {
    const message = 'hello gatekit';
    const res = await call(TOOL.echo, { message });
    const text = textOf(res);
    return { ok: !res.isError && text.includes(message), detail: { text, isError: !!res.isError } };
  },

  async concurrent() {
    const N = 50;
    const nonce = Math.random().toString(36).slice(2, 10);
    const msgs = Array.from({ length: N }, (_, i) => `gatekit-concurrent-${String(i).padStart(2, '0')}-${nonce}`);
    const t0 = Date.now();
    const settled = await Promise.allSettled(msgs.map((m) => call(TOOL.echo, { message: m })));
    const ms = Date.now() - t0;
    const mismatches = [];
    settled.forEach((s, i) => {
      if (s.status === 'rejected') {
        mismatches.push({ i, error: s.reason?.message ?? String(s.reason) });
        return;
      }
      const text = textOf(s.value);
      const others = msgs.filter((m, j) => j !== i && text.includes(m));
      if (s.value.isError || !text.includes(msgs[i]) || others.length) {
        mismatches.push({ i, expected: msgs[i], text: truncate(text), isError: !!s.value.isError });
      }
    });
    return {
      ok: mismatches.length === 0,
      detail: { calls: N, matched: N - mismatches.length, ms, mismatches: mismatches.slice(0, 10) },
    };
  },

  async progress() {
    const args = { duration: 1, steps: 4 };
    const events = [];
    const t0 = Date.now();
    const res = await call(TOOL.longRunning, args, {
      onprogress: (p) => events.push({ progress: p.progress, total: p.total, atMs: Date.now() - t0 }),
    });
    const text = textOf(res);
    await sleep(50); // let a trailing notification (same chunk as the response) surface in onerror
    const values = events.map((e) => e.progress);
    const increasing = values.every((v, i) => i === 0 || v > values[i - 1]);
    const ok = !res.isError && events.length >= 1 && increasing && /completed/i.test(text);
    return {
      ok,
      detail: { tool: P(TOOL.longRunning), args, notifications: events.length, values, increasing, lateProgressDropped, text, ms: Date.now() - t0 },
    };
  },

  async cancel() {
    const args = { duration: 10, steps: 10 };
    const abortAfterMs = 300;
    const ac = new AbortController();
    const t0 = Date.now();
    const timer = setTimeout(() => ac.abort('gatekit interop cancel'), abortAfterMs);
    let rejected = false;
    let error = null;
    let resolvedText = null;
    try {
      const res = await call(TOOL.longRunning, args, { signal: ac.signal });
      resolvedText = textOf(res);
    } catch (e) {
      rejected = true;
      error = e?.message ?? String(e);
    } finally {
      clearTimeout(timer);
    }
    const rejectMs = Date.now() - t0;
    const quick = rejectMs < abortAfterMs + 2000; // well under the 10 s duration
    // The session must still be usable afterwards.
    let pingOk = false;
    let echoOk = false;
    let after = {};
    try {
      await client.ping(callOpts());
      pingOk = true;
    } catch (e) {
      after.pingError = e?.message ?? String(e);
    }
    try {
      const r = await call(TOOL.echo, { message: 'after cancel' });
      after.echoText = textOf(r);
      echoOk = !r.isError && after.echoText.includes('after cancel');
    } catch (e) {
      after.echoError = e?.message ?? String(e);
    }
    return {
      ok: rejected && quick && pingOk && echoOk,
      detail: { tool: P(TOOL.longRunning), args, abortAfterMs, rejected, rejectMs, error, resolvedText, pingOk, echoOk, ...after },
    };
  },

  async sampling() {
    const before = serverToClient.sampling;
    const res = await call(TOOL.sampling, { prompt: 'say hello to gatekit', maxTokens: 50 });
    const text = textOf(res);
    const ok = !res.isError && text.includes('gatekit-sampled');
    return {
      ok,
      detail: { tool: P(TOOL.sampling), samplingRequests: serverToClient.sampling - before, text: truncate(text, 600) },
    };
  },

  async roots() {
    const res = await call(TOOL.roots, {});
    const text = textOf(res);
    const ok = !res.isError && text.includes('gatekit-interop-root');
    return { ok, detail: { tool: P(TOOL.roots), rootsRequestsSoFar: serverToClient.roots, text: truncate(text, 600) } };
  },

  async elicitation() {
    const before = serverToClient.elicitation;
    const res = await call(TOOL.elicitation, {});
    const text = textOf(res);
    const accepted = /"action":\s*"accept"/.test(text) || text.includes('User provided the requested information');
    const ok = !res.isError && accepted && text.includes('gatekit');
    return {
      ok,
      detail: {
        tool: P(TOOL.elicitation),
        elicitationRequests: serverToClient.elicitation - before,
        sentContent: serverToClient.lastElicitation,
        text: truncate(text, 800),
      },
    };
  },

  async ping() {
    const t0 = Date.now();
    const res = await client.ping(callOpts());
    return { ok: true, detail: { result: res ?? {}, ms: Date.now() - t0 } };
  },
};

// ---------------------------------------------------------------------------------------------------------
async function main() {
  // Connect (initialize handshake) — needed by every scenario.
  const t0 = Date.now();
  try {
    await withTimeout(client.connect(transport, { timeout: CONNECT_TIMEOUT_MS - 1000 }), CONNECT_TIMEOUT_MS, 'connect');
  } catch (e) {
    report('initialize', false, { phase: 'connect', ms: Date.now() - t0, ...errDetail(e) });
    for (const s of opts.scenarios) report(s, false, { error: 'skipped: not connected' });
    return;
  }
  const connectMs = Date.now() - t0;

  for (const name of opts.scenarios) {
    const budget = Math.min(CHECK_TIMEOUT_MS, RUN_DEADLINE_MS - (Date.now() - runStart));
    if (budget < MIN_CHECK_BUDGET_MS) {
      report(name, false, { error: `skipped: run deadline of ${RUN_DEADLINE_MS} ms reached` });
      continue;
    }
    const c0 = Date.now();
    try {
      const { ok, detail } = await withTimeout(scenarioImpl[name](), budget, `check ${name}`);
      const d = name === 'initialize' ? { ...detail, connectMs } : detail;
      report(name, ok, { ...d, checkMs: Date.now() - c0 });
    } catch (e) {
      report(name, false, { ...errDetail(e), checkMs: Date.now() - c0 });
    }
  }
}

let exitCode = 1;
try {
  await main();
} catch (e) {
  log('unexpected failure:', e?.stack ?? e);
} finally {
  finish();
  exitCode = failed === 0 && passed > 0 ? 0 : 1;
  await shutdown();
  process.exit(exitCode);
}

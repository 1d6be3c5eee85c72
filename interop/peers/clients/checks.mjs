// The output protocol the scripted HTTP clients share: one JSON line per check {"check","ok","detail"}, then
// {"done":true,"passed":N,"failed":M}; exit 0 when every check passed, else 1. A hard deadline ends the script.

export const writeLine = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

/** Starts the hard deadline; returns check(name, fn) and finish(). */
export function checks(deadlineMs = 50_000) {
  setTimeout(() => { writeLine({ done: true, passed: 0, failed: 1, error: 'hard deadline' }); process.exit(1); }, deadlineMs).unref();
  let passed = 0, failed = 0;
  return {
    async check(name, fn) {
      try {
        const detail = await fn();
        passed++; writeLine({ check: name, ok: true, detail });
      } catch (e) {
        failed++; writeLine({ check: name, ok: false, detail: String(e && e.stack || e) });
      }
    },
    finish() {
      writeLine({ done: true, passed, failed });
      process.exit(failed === 0 ? 0 : 1);
    },
  };
}

/** The text content of a tool result. */
export const text = (r) => (r.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');

/**
 * `vault suggest --write` never loses what the user wrote: edits made to the spec while vault
 * waited for the model are kept (nothing is written), a symbolic link stays a link and its target
 * gets the new text, and the spec's permissions are kept.
 */
import { appendFileSync, chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeLlm, names, rules, type Reply, type Task } from './fake-llm.js';
import { SHOP_SPEC, workspace, type Workspace } from './workspace.js';

const GOOD: Record<Task, Reply> = {
  names: names({ kind: 'hub', current: 'cust', name: 'customer', description: 'A person or company that buys in the web shop.' }),
  rules: rules({ entity: 'order', kind: 'filter', expression: "status != 'CANCELLED'", rationale: 'Cancelled orders are not sales.' }),
};

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A fake Ollama server that runs `meanwhile` before it answers each request. */
async function setup(meanwhile: (ws: Workspace, task: Task) => void = () => undefined): Promise<{ ws: Workspace; args: (...more: string[]) => string[] }> {
  const ws = workspace();
  const server = await fakeLlm('ollama', async (task) => {
    meanwhile(ws, task);
    return GOOD[task];
  });
  cleanup.push(
    () => server.close(),
    () => ws.remove(),
  );
  return { ws, args: (...more) => ['suggest', 'shop.yaml', '--provider', 'ollama', '--host', server.url, '--timeout-ms', '5000', '--no-cache', ...more] };
}

const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('vault-tmp'));

describe('vault suggest --write', () => {
  it('writes nothing when the spec was edited while the model was asked, and keeps the edit', async () => {
    const edit = '\n# added by hand while vault suggest was waiting\n';
    const { ws, args } = await setup((w, task) => {
      if (task === 'rules') appendFileSync(w.spec, edit);
    });
    const r = await ws.run(args('--write'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('vault: shop.yaml changed while vault suggest waited for the model, so it was not written: run vault suggest again to get proposals for the spec as it is now\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(ws.read()).toBe(SHOP_SPEC + edit);
    expect(leftovers(ws.dir)).toEqual([]);
  });

  it('writes through a symbolic link: the link stays, its target gets the new text', async () => {
    const { ws, args } = await setup();
    mkdirSync(join(ws.dir, 'specs'));
    const target = join(ws.dir, 'specs', 'shop-spec.yaml');
    renameSync(ws.spec, target);
    symlinkSync(join('specs', 'shop-spec.yaml'), ws.spec);
    const r = await ws.run(args('--write'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('shop.yaml: written (2 changes)');
    expect(lstatSync(ws.spec).isSymbolicLink()).toBe(true);
    const written = readFileSync(target, 'utf8');
    expect(written).toContain('    hub: customer\n');
    expect(written.startsWith('# Landing tables of the web shop.\n')).toBe(true);
    expect([...leftovers(ws.dir), ...leftovers(join(ws.dir, 'specs'))]).toEqual([]);
  });

  it("keeps the spec's permissions", async () => {
    const { ws, args } = await setup();
    chmodSync(ws.spec, 0o640);
    const r = await ws.run(args('--write'));
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(ws.spec).mode & 0o777).toBe(0o640);
    expect(ws.read()).toContain('    hub: customer\n');
  });

  it('a spec replaced by a folder meanwhile is left alone', async () => {
    const { ws, args } = await setup((w, task) => {
      if (task !== 'rules') return;
      renameSync(w.spec, join(w.dir, 'moved.yaml'));
      mkdirSync(w.spec);
    });
    const r = await ws.run(args('--write'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('vault: cannot read shop.yaml again before writing it: it is a directory; the spec was not changed\n');
    expect(statSync(ws.spec).isDirectory()).toBe(true);
    expect(readFileSync(join(ws.dir, 'moved.yaml'), 'utf8')).toBe(SHOP_SPEC);
  });
});

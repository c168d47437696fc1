import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..');
const FEATURES = join(SRC, 'features');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] ?? '');
}

describe('architecture (bulletproof-react)', () => {
  it('features never import one another', () => {
    const offenders: string[] = [];
    for (const feature of readdirSync(FEATURES)) {
      for (const file of files(join(FEATURES, feature))) {
        for (const spec of imports(file)) {
          const target = spec.startsWith('@/') ? join(SRC, spec.slice(2))
            : spec.startsWith('.') ? resolve(file, '..', spec) : null;
          if (!target || !target.startsWith(FEATURES + sep)) continue;
          const other = relative(FEATURES, target).split(sep)[0];
          if (other !== feature) offenders.push(`${relative(SRC, file)} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('shared code (lib, components) does not reach into features', () => {
    const offenders = [...files(join(SRC, 'lib')), ...files(join(SRC, 'components'))]
      .flatMap((file) => imports(file).filter((s) => s.startsWith('@/features/')).map((s) => `${relative(SRC, file)} → ${s}`));
    expect(offenders).toEqual([]);
  });

  it('only the API client calls fetch', () => {
    const offenders = files(SRC)
      .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.test.tsx') && !f.includes(`${sep}testing${sep}`))
      .filter((f) => !f.endsWith(join('lib', 'api', 'client.ts')))
      .filter((f) => /\bfetch\(|new XMLHttpRequest|new EventSource\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});

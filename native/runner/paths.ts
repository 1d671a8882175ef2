// Where the package's files are, from source (tsx) and from the compiled dist/ alike.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The directory holding etbench's package.json (dist/ has none, so both layouts find it). */
export function packageRoot(): string {
  if (root !== null) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return root;
}

export function packagePath(...segments: string[]): string {
  return path.join(packageRoot(), ...segments);
}

/** The builds of etrun that `npm run build` makes. */
export type EtrunBuild = 'release' | 'asan';

/** Where `npm run build` puts etrun: build/native/<build>/etrun under the package root. */
export function etrunBuildPath(build: EtrunBuild = 'release'): string {
  return packagePath('build', 'native', build, 'etrun');
}

// Static files of the built web UI (dashboard/dist). Only files inside the folder are served;
// unknown paths without an extension get index.html so the UI's own routes reload.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.ico': 'image/x-icon',
};

/** True when it answered. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): boolean {
  const base = path.resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  let file = path.resolve(base, `.${decoded}`);
  if (file !== base && !file.startsWith(base + path.sep)) return false;
  if (urlPath === '/' || (!existsSync(file) && path.extname(file) === '')) file = path.join(base, 'index.html');
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  const body = readFileSync(file);
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
  res.end(body);
  return true;
}

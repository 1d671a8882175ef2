// A program no build of ours can run: one delegate call to 'VendorBackend', a backend that is
// never registered. The tests' stand-in for "this device's runtime lacks a delegate".
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProgramBuilder } from '../../program/index.js';

export const VENDOR_BACKEND = 'VendorBackend';

/** Writes DIR/vendor.pte and returns its path. */
export async function writeVendorProgram(dir: string): Promise<string> {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2] });
  const y = m.tensor({ dtype: 'float32', shape: [2] });
  m.delegate({ id: VENDOR_BACKEND, payload: new Uint8Array(4) }, [x], [y]);
  m.output(y);
  const file = path.join(dir, 'vendor.pte');
  await writeFile(file, b.build().pte);
  return file;
}

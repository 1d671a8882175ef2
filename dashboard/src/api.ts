// The JSON API with the token the user gave (kept in localStorage), and run events read from a
// fetch stream: EventSource cannot send an Authorization header.

const KEY = 'etbench-token';

export function token(): string {
  return localStorage.getItem(KEY) ?? '';
}

export function setToken(value: string): void {
  if (value === '') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, value);
}

function headers(): Record<string, string> {
  const t = token();
  return t === '' ? {} : { authorization: `Bearer ${t}` };
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: headers() });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new ApiError(res.status, `${res.status}: ${body.error ?? res.statusText}`);
  return body;
}

export const get = <T>(path: string): Promise<T> => call<T>(path, {});
export const post = <T>(path: string): Promise<T> => call<T>(path, { method: 'POST' });

/** Calls onEvent for each server-sent event until the stream ends or signal aborts. */
export async function events(path: string, onEvent: (name: string, data: unknown) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: headers(), signal });
  if (!res.ok || res.body === null) throw new ApiError(res.status, `events: ${res.statusText}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data !== '') onEvent(name, JSON.parse(data));
    }
  }
}

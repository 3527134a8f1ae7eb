// api.js - the client's one way to call the API: JSON requests with the
// bearer token, the upload with its progress, the file download, and every
// failure turned into an ApiError that knows the sentence to show and the
// request id to quote.
//
// The token lives in sessionStorage (see the README, "Web client"): it
// survives a reload of the tab, is not shared with other tabs, and is
// gone when the tab closes. Requests carry it in the Authorization header,
// so no cookie exists for another site to ride on.

import { t, has } from './i18n.js';

const TOKEN_KEY = 'cv.token';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(v) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, code, message, requestId, fields) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.fields = fields || {};
  }

  // The sentence a person reads: what happened, in their language, and the
  // request id support needs to find it in the logs.
  sentence() {
    let s;
    if (this.code === 'network') s = t('error.network');
    else if (has(`error.${this.code}`)) s = t(`error.${this.code}`);
    else s = t('error.generic', { status: this.status });
    if (this.requestId) s += ' ' + t('error.requestId', { id: this.requestId });
    return s;
  }
}

function errorFrom(status, text, requestId) {
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON: generic sentence */ }
  const e = body && body.error;
  if (e && typeof e.code === 'string') {
    return new ApiError(status, e.code, e.message, requestId, e.details && e.details.fields);
  }
  const code = { 413: 'payload_too_large', 429: 'rate_limited', 502: 'unavailable',
                 503: 'unavailable', 504: 'unavailable' }[status] || 'http';
  return new ApiError(status, code, '', requestId);
}

function authHeaders() {
  const h = {};
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  return h;
}

// call('POST', '/api/auth/login', {email, password}) -> parsed JSON body,
// or null for 204; throws ApiError.
export async function call(method, path, json) {
  const headers = authHeaders();
  const init = { method, headers };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', '', null);
  }
  const text = await resp.text();
  const requestId = resp.headers.get('X-Request-Id');
  if (!resp.ok) throw errorFrom(resp.status, text, requestId);
  return text ? JSON.parse(text) : null;
}

// Upload a CV as multipart/form-data; onProgress(fraction) as it is sent.
// fetch() reports no upload progress, hence XMLHttpRequest.
export function upload(form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/cv/analyses');
    const token = session.token;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
    xhr.onload = () => {
      const requestId = xhr.getResponseHeader('X-Request-Id');
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(errorFrom(xhr.status, xhr.responseText, requestId));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '', null));
    xhr.send(form);
  });
}

// Follow the live events of path (one analysis's events, or the user's
// feed /api/events) through nginx. EventSource can't send the
// Authorization header, so a single-use ticket stands in for it.
// onEvent(data) for each state change (the AnalysisEvent of the API);
// onLost() once if the stream can't be opened or breaks, so the caller
// can fall back to polling (a ticket is single use: EventSource's own
// reconnection would be refused). Returns stop().
export function follow(path, onEvent, onLost) {
  let source = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    if (source) source.close();
  };
  const lost = () => {
    if (stopped) return;
    stop();
    onLost();
  };
  if (typeof EventSource !== 'function') {
    lost();
    return stop;
  }
  call('POST', '/api/events/ticket').then(({ ticket }) => {
    if (stopped) return;
    source = new EventSource(`${path}?ticket=${encodeURIComponent(ticket)}`);
    for (const status of ['queued', 'processing', 'completed', 'failed']) {
      source.addEventListener(status, (ev) => {
        if (stopped) return;
        let data = null;
        try { data = JSON.parse(ev.data); } catch { return; }
        onEvent(data);
      });
    }
    source.onerror = lost;
  }, lost);
  return stop;
}

// Download an analysis's original file: the endpoint needs the token, so
// the file is fetched and handed to the browser as a blob.
export async function download(path, fileName) {
  let resp;
  try {
    resp = await fetch(path, { headers: authHeaders() });
  } catch {
    throw new ApiError(0, 'network', '', null);
  }
  if (!resp.ok) throw errorFrom(resp.status, await resp.text(), resp.headers.get('X-Request-Id'));
  const url = URL.createObjectURL(await resp.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

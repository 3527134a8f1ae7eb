// rules.js - form rules read from the OpenAPI document the server serves
// (/api/openapi.yaml), so the client checks exactly what the API checks:
// lengths, patterns and formats of the request schemas, and the upload's
// size limit and file types. Lengths count Unicode code points, as the
// API does. check() returns the sentence of the first broken rule, or "".

import { t, formatSize } from './i18n.js';

// js-yaml is loaded here, not imported statically: without it the forms
// lose their early checks, not the whole page.
export async function loadRules() {
  const { load } = await import('/vendor/js-yaml/js-yaml.esm.min.mjs');
  const resp = await fetch('/api/openapi.yaml');
  if (!resp.ok) throw new Error(`openapi.yaml: HTTP ${resp.status}`);
  const doc = load(await resp.text());
  const schemas = doc.components.schemas;
  const upload = doc.paths['/api/cv/analyses'].post.requestBody.content['multipart/form-data'];
  const cv = schemas.AnalysisUpload.properties.cv;
  return {
    register: schemas.RegisterRequest.properties,
    login: schemas.LoginRequest.properties,
    upload: schemas.AnalysisUpload.properties,
    maxBytes: cv['x-maxBytes'],
    fileTypes: upload.encoding.cv.contentType.split(',').map((s) => s.trim())
      .filter((s) => s !== 'application/octet-stream'),
  };
}

const codePoints = (s) => [...s].length;

// The sentence for a value against one property schema ("" when it fits).
export function check(schema, value, { required = false, trim = false, kind = '' } = {}) {
  if (!schema) return '';
  const v = trim ? value.trim() : value;
  if (v === '') return required ? t('valid.required') : '';
  const n = codePoints(v);
  const fail = (generic) => {
    if (kind === 'password') return t('valid.password', { min: schema.minLength, max: schema.maxLength });
    if (kind === 'email') return t('valid.email');
    return generic;
  };
  if (schema.minLength !== undefined && n < schema.minLength) return fail(t('valid.tooShort', { n: schema.minLength }));
  if (schema.maxLength !== undefined && n > schema.maxLength) return fail(t('valid.tooLong', { n: schema.maxLength }));
  if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return fail(t('valid.pattern'));
  return '';
}

const EXTENSIONS = {
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'text/plain': '.txt',
};

export function acceptList(rules) {
  return rules.fileTypes.flatMap((m) => [m, EXTENSIONS[m]].filter(Boolean)).join(',');
}

// The server decides the type from the content; this only spares a
// person the wait for an upload that cannot succeed.
export function checkFile(rules, file) {
  if (!file) return t('valid.fileRequired');
  if (file.size === 0) return t('valid.fileEmpty');
  if (rules.maxBytes && file.size > rules.maxBytes) {
    return t('valid.fileSize', { size: formatSize(file.size), max: formatSize(rules.maxBytes) });
  }
  const ext = (file.name.match(/\.[^.]+$/) || [''])[0].toLowerCase();
  const known = rules.fileTypes.includes(file.type) ||
    rules.fileTypes.some((m) => EXTENSIONS[m] === ext);
  return known ? '' : t('valid.fileType');
}

// main.js - the reference web client: a hash-routed single page over the
// API (#/login, #/register, #/ the dashboard, #/analyses/<id>, #/account).
// Views are rebuilt from API state; an analysis that is not finished is
// followed live (server-sent events through nginx) until it is, or polled
// with backoff when the event stream is not available.

import { h, clear, uid } from './dom.js';
import { t, setLang, getLang, LANGS, formatSize, formatDate, formatDay } from './i18n.js';
import { call, upload, download, follow, session, ApiError } from './api.js';
import { loadRules, check, checkFile, acceptList } from './rules.js';
import { renderMarkdown } from './markdown.js';

const PAGE_SIZE = 10;
const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 5000;
const POLL_GROWTH = 1.6;
const TERMINAL = new Set(['completed', 'failed']);

const state = { user: null, rules: null, plans: null, page: 1, notice: '', view: 0, stopLive: null };

// ------------------------------------------------------------ helpers

// Say msg in the page's status line, or on the next view shown when there
// is no page yet.
function notify(msg) {
  const el = document.getElementById('notice');
  if (el) clear(el, msg ? h('p', { class: 'notice' }, msg) : null);
  else state.notice = msg;
}

function field({ label, name, type = 'text', hint = '', textarea = false, options = null, ...attrs }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-error`;
  let input;
  if (textarea) input = h('textarea', { id, name, rows: 5, ...attrs });
  else if (options) input = h('select', { id, name, ...attrs }, options.map(([v, l]) => h('option', { value: v }, l)));
  else input = h('input', { id, name, type, ...attrs });
  input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const error = h('p', { class: 'field-error', id: errId });
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    input, error);
  const setError = (msg) => {
    error.textContent = msg || '';
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', () => setError(''));
  return { wrap, input, setError };
}

// Check fields [{f, rule}] where rule() returns a sentence or "": shows
// every message, focuses the first bad field, says whether all are good.
function validate(items) {
  let first = null;
  for (const { f, rule } of items) {
    const msg = rule();
    f.setError(msg);
    if (msg && !first) first = f.input;
  }
  if (first) first.focus();
  return !first;
}

function formError() {
  return h('div', { class: 'form-error', role: 'alert' });
}

function showError(box, err, fields = {}) {
  if (!(err instanceof ApiError)) throw err;
  if (err.code === 'unauthorized' || err.code === 'token_expired') {
    if (state.user) return endSession(err.sentence());
  }
  for (const [name, f] of Object.entries(fields)) {
    if (err.fields[name]) f.setError(err.fields[name]);
  }
  clear(box, h('p', {}, err.sentence()));
  box.scrollIntoView({ block: 'nearest' });
}

function busy(button, on) {
  button.disabled = on;
  button.setAttribute('aria-busy', on ? 'true' : 'false');
}

function confirmDialog(title, text, yes) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('p', {}, text),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dlg.close('no') }, t('confirm.no')),
        h('button', { type: 'button', class: 'btn danger', onclick: () => dlg.close('yes') }, yes)));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(dlg.returnValue === 'yes'); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, t(`status.${status}`));
}

function scoreClass(n) {
  return n >= 75 ? 'good' : n >= 50 ? 'fair' : 'poor';
}

function gauge(label, value) {
  const r = 52;
  const c = 2 * Math.PI * r;
  return h('figure', { class: `gauge ${scoreClass(value)}`, role: 'img', 'aria-label': `${label}: ${value} / 100` },
    h('svg:svg', { viewBox: '0 0 120 120', 'aria-hidden': 'true' },
      h('svg:circle', { class: 'track', cx: 60, cy: 60, r, 'stroke-width': 12, fill: 'none' }),
      h('svg:circle', { class: 'value', cx: 60, cy: 60, r, 'stroke-width': 12, fill: 'none',
        'stroke-linecap': 'round', 'stroke-dasharray': `${(c * value) / 100} ${c}`,
        transform: 'rotate(-90 60 60)' })),
    h('div', { class: 'gauge-value', 'aria-hidden': 'true' }, String(value)),
    h('figcaption', {}, label));
}

// Poll fn() until its analysis (or every analysis it returns) is finished,
// waiting longer each time, as long as the same view is on screen.
function pollWhile(unfinished, fn) {
  const view = state.view;
  let delay = POLL_FIRST_MS;
  const tick = async () => {
    if (view !== state.view || !session.token) return;
    let more = false;
    try {
      more = unfinished(await fn());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'unauthorized' || err.code === 'token_expired') return endSession(err.sentence());
      more = true;   // a hiccup: keep trying, more slowly
    }
    if (more && view === state.view) {
      delay = Math.min(POLL_MAX_MS, delay * POLL_GROWTH);
      setTimeout(tick, delay);
    }
  };
  setTimeout(tick, delay);
}

// Keep a view fresh while unfinished(await fn()) holds: fn() runs again at
// each live event of path, one run at a time (events during a run fold
// into one more run). Falls back to pollWhile if the stream is lost.
function watchWhile(path, unfinished, fn) {
  const view = state.view;
  let running = false;
  let again = false;
  const refresh = async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        if (view !== state.view) return;
        if (!unfinished(await fn())) return stopLive();
      } while (again);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'unauthorized' || err.code === 'token_expired') {
        stopLive();
        return endSession(err.sentence());
      }
      // A hiccup: the next event (or the poll) tries again.
    } finally {
      running = false;
    }
  };
  stopLive();
  state.stopLive = follow(path, refresh, () => {
    if (view === state.view) pollWhile(unfinished, fn);
  });
}

function stopLive() {
  if (state.stopLive) state.stopLive();
  state.stopLive = null;
}

async function refreshUser() {
  state.user = (await call('GET', '/api/auth/me')).user;
  renderHeader();
}

function endSession(message) {
  session.token = null;
  state.user = null;
  state.notice = message || '';
  renderHeader();
  go('#/login');
}

// Show the view of hash (hashchange renders it; the same hash again does not).
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// ------------------------------------------------------------ header

function renderHeader() {
  const header = document.getElementById('header');
  const langSelect = h('select', { id: 'lang', 'aria-label': t('lang.label'),
    onchange: (e) => { setLang(e.target.value); renderHeader(); route(); } },
  LANGS.map((l) => h('option', { value: l, selected: l === getLang() }, l === 'fr' ? 'Français' : 'English')));
  const nav = state.user
    ? h('nav', { 'aria-label': t('app.title') },
      h('a', { href: '#/' }, t('nav.dashboard')),
      h('a', { href: '#/account' }, t('nav.account')),
      h('a', { href: '/api/docs/' }, t('nav.docs')),
      h('button', { type: 'button', class: 'link', id: 'logout', onclick: logout }, t('nav.logout')))
    : h('nav', { 'aria-label': t('app.title') }, h('a', { href: '/api/docs/' }, t('nav.docs')));
  clear(header,
    h('a', { class: 'skip', href: '#main' }, t('nav.skip')),
    h('div', { class: 'bar' },
      h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'CV'), t('app.title')),
      nav,
      h('div', { class: 'lang' }, langSelect)));
  document.title = t('app.title');
}

async function logout() {
  try {
    await call('POST', '/api/auth/logout');
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
  endSession(t('auth.loggedOut'));
}

// ------------------------------------------------------------ auth views

function viewAuth(mode) {
  const register = mode === 'register';
  const rules = state.rules;
  const box = formError();
  const email = field({ label: t('auth.email'), name: 'email', type: 'email', autocomplete: 'email', required: true });
  const pw = rules && register ? rules.register.password : null;
  const password = field({ label: t('auth.password'), name: 'password', type: 'password', required: true,
    autocomplete: register ? 'new-password' : 'current-password',
    hint: pw ? t('auth.passwordHint', { min: pw.minLength, max: pw.maxLength }) : '' });
  const name = register ? field({ label: t('auth.name'), name: 'name', autocomplete: 'name', required: true }) : null;
  const submit = h('button', { type: 'submit', class: 'btn primary wide' }, register ? t('auth.register') : t('auth.login'));

  const onSubmit = async (e) => {
    e.preventDefault();
    clear(box);
    const r = rules ? (register ? rules.register : rules.login) : {};
    const items = [
      name && { f: name, rule: () => check(r.name, name.input.value, { required: true, trim: true }) },
      { f: email, rule: () => check(r.email, email.input.value, { required: true, kind: 'email' }) },
      { f: password, rule: () => check(r.password, password.input.value, { required: true, kind: 'password' }) },
    ].filter(Boolean);
    if (!validate(items)) return;
    const body = { email: email.input.value.trim(), password: password.input.value };
    if (register) body.name = name.input.value.trim();
    busy(submit, true);
    try {
      const res = await call('POST', register ? '/api/auth/register' : '/api/auth/login', body);
      session.token = res.token;
      state.user = res.user;
      state.page = 1;
      state.notice = t('auth.welcome', { name: res.user.name });
      renderHeader();
      go('#/');
    } catch (err) {
      showError(box, err, { email, password, ...(name ? { name } : {}) });
    } finally {
      busy(submit, false);
    }
  };

  return h('section', { class: 'auth card' },
    h('h1', { tabindex: -1 }, register ? t('auth.register') : t('auth.login')),
    h('p', { class: 'tagline' }, t('app.tagline')),
    h('form', { novalidate: true, onsubmit: onSubmit, id: register ? 'register-form' : 'login-form' },
      name && name.wrap, email.wrap, password.wrap, box, submit),
    h('p', { class: 'switch' }, register
      ? h('a', { href: '#/login' }, t('auth.toLogin'))
      : h('a', { href: '#/register' }, t('auth.toRegister'))));
}

// ------------------------------------------------------------ dashboard

function planCard() {
  const u = state.user;
  const pro = (state.plans || []).find((p) => p.id === 'pro');
  const used = u.usage.analysesUsed;
  const limit = u.usage.analysesLimit;
  const box = formError();
  const upgrade = h('button', { type: 'button', class: 'btn primary', id: 'upgrade' }, t('plan.upgrade'));
  upgrade.addEventListener('click', () => goBilling(upgrade, box, '/api/billing/checkout', { plan: 'pro' }));
  const portal = h('button', { type: 'button', class: 'btn' }, t('plan.portal'));
  portal.addEventListener('click', () => goBilling(portal, box, '/api/billing/portal'));
  const fraction = limit ? Math.min(1, used / limit) : 1;
  const meter = h('div', { class: `meter ${used >= limit ? 'full' : ''}`, role: 'progressbar',
    'aria-valuemin': 0, 'aria-valuemax': limit, 'aria-valuenow': used,
    'aria-label': t('plan.usage', { used, limit }) }, h('span'));
  meter.firstChild.style.width = `${Math.round(fraction * 100)}%`;
  return h('section', { class: 'card plan', 'aria-labelledby': 'plan-title' },
    h('h2', { id: 'plan-title' }, t('plan.title'), ' ', h('span', { class: `badge plan-${u.plan}` }, t(`plan.${u.plan}`))),
    meter,
    h('p', { class: 'usage' }, t('plan.usage', { used, limit })),
    u.plan === 'free'
      ? [h('p', { class: 'hint' }, t('plan.upgradeWhy', { n: pro ? pro.analysesPerMonth : 100 })), upgrade]
      : portal,
    box);
}

async function goBilling(button, box, path, body) {
  busy(button, true);
  clear(box);
  try {
    const { url } = await call('POST', path, body);
    location.assign(url);
  } catch (err) {
    showError(box, err);
    busy(button, false);
  }
}

function uploadCard(onUploaded) {
  const rules = state.rules;
  const box = formError();
  const fileId = uid('cv');
  const fileInput = h('input', { type: 'file', id: fileId, name: 'cv', class: 'visually-hidden',
    accept: rules ? acceptList(rules) : '', 'aria-describedby': `${fileId}-types ${fileId}-error` });
  const chosen = h('p', { class: 'chosen', 'aria-live': 'polite' });
  const fileError = h('p', { class: 'field-error file-error', id: `${fileId}-error` });
  let file = null;
  const setFile = (f) => {
    file = f;
    fileError.textContent = '';
    chosen.textContent = f ? t('upload.chosen', { name: f.name, size: formatSize(f.size) }) : '';
    if (f && rules) fileError.textContent = checkFile(rules, f);
  };
  fileInput.addEventListener('change', () => setFile(fileInput.files[0] || null));
  const drop = h('label', { class: 'drop', for: fileId },
    h('span', { class: 'drop-icon', 'aria-hidden': 'true' }, '⇪'),
    h('span', { class: 'drop-text' }, t('upload.drop')),
    h('span', { class: 'hint', id: `${fileId}-types` },
      t('upload.types', { size: rules && rules.maxBytes ? formatSize(rules.maxBytes) : '—' })));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) setFile(e.dataTransfer.files[0]);
  });

  const r = rules ? rules.upload : {};
  const jd = field({ label: t('upload.jobDescription'), name: 'jobDescription', textarea: true,
    hint: t('upload.jobDescriptionHint') });
  const role = field({ label: t('upload.targetRole'), name: 'targetRole' });
  const lang = field({ label: t('upload.language'), name: 'language',
    options: [['', t('upload.languageAuto')], ['en', 'English'], ['fr', 'Français']] });
  const optimizeId = uid('optimize');
  const optimize = h('input', { type: 'checkbox', id: optimizeId, name: 'optimize' });
  const progress = h('progress', { max: 100, value: 0, 'aria-label': t('upload.sending', { pct: 0 }) });
  const progressText = h('span', { 'aria-live': 'polite' });
  const progressRow = h('div', { class: 'progress', hidden: true }, progress, progressText);
  const submit = h('button', { type: 'submit', class: 'btn primary wide', id: 'analyse' }, t('upload.submit'));

  const onSubmit = async (e) => {
    e.preventDefault();
    clear(box);
    fileError.textContent = rules ? checkFile(rules, file) : (file ? '' : t('valid.fileRequired'));
    const okFile = !fileError.textContent;
    const okFields = validate([
      { f: jd, rule: () => check(r.jobDescription, jd.input.value, { trim: true }) },
      { f: role, rule: () => check(r.targetRole, role.input.value, { trim: true }) },
    ]);
    if (!okFile) { fileInput.focus(); return; }
    if (!okFields) return;
    const form = new FormData();
    form.append('cv', file, file.name);
    if (jd.input.value.trim()) form.append('jobDescription', jd.input.value.trim());
    if (role.input.value.trim()) form.append('targetRole', role.input.value.trim());
    if (lang.input.value) form.append('language', lang.input.value);
    form.append('optimize', optimize.checked ? 'true' : 'false');
    busy(submit, true);
    progressRow.hidden = false;
    const show = (f) => {
      const pct = Math.round(f * 100);
      progress.value = pct;
      progressText.textContent = t('upload.sending', { pct });
    };
    show(0);
    try {
      const { analysis } = await upload(form, show);
      notify(t('upload.queued', { name: analysis.fileName }));
      setFile(null);
      fileInput.value = '';
      await onUploaded(analysis);
      quota.hidden = !quotaReached();
    } catch (err) {
      showError(box, err, { jobDescription: jd, targetRole: role, language: lang });
      if (err instanceof ApiError && err.code === 'quota_exceeded') quota.hidden = false;
    } finally {
      busy(submit, false);
      progressRow.hidden = true;
    }
  };

  const quota = h('div', { class: 'callout', hidden: !quotaReached() },
    h('p', {}, t('plan.quotaReached')), upgradePrompt());
  return h('section', { class: 'card upload', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, t('upload.title')),
    quota,
    h('form', { novalidate: true, onsubmit: onSubmit, id: 'upload-form' },
      fileInput, drop, chosen, fileError,
      h('details', { class: 'options' }, h('summary', {}, t('upload.options')),
        jd.wrap, role.wrap, lang.wrap,
        h('div', { class: 'check' }, optimize, h('label', { for: optimizeId }, t('upload.optimize')))),
      box, progressRow, submit));
}

function quotaReached() {
  return state.user.usage.analysesUsed >= state.user.usage.analysesLimit;
}

function upgradePrompt() {
  const box = formError();
  const b = h('button', { type: 'button', class: 'btn primary upgrade-prompt' }, t('plan.upgrade'));
  b.addEventListener('click', () => goBilling(b, box, '/api/billing/checkout', { plan: 'pro' }));
  return h('div', { class: 'upgrade' }, b, box);
}

function listCard() {
  const body = h('div', { class: 'list-body' });
  const section = h('section', { class: 'card list', 'aria-labelledby': 'list-title' },
    h('h2', { id: 'list-title' }, t('list.title')), body);
  const load = async () => {
    const q = `?page=${state.page}&limit=${PAGE_SIZE}`;
    const res = await call('GET', `/api/cv/analyses${q}`);
    const pages = Math.max(1, Math.ceil(res.total / PAGE_SIZE));
    if (state.page > pages) { state.page = pages; return load(); }
    renderList(body, res, pages, load);
    return res;
  };
  return { section, load };
}

function renderList(body, res, pages, reload) {
  if (!res.analyses.length) return clear(body, h('p', { class: 'empty' }, t('list.empty')));
  const rows = res.analyses.map((a) => h('tr', { 'data-id': a.id, 'data-status': a.status },
    h('th', { scope: 'row', 'data-label': t('list.file') }, h('a', { href: `#/analyses/${a.id}` }, a.fileName)),
    h('td', { 'data-label': t('list.date') }, formatDate(a.createdAt)),
    h('td', { 'data-label': t('list.status') }, statusBadge(a.status)),
    h('td', { 'data-label': t('list.score'), class: 'num' },
      a.result ? h('span', { class: `score ${scoreClass(a.result.score)}` }, String(a.result.score)) : '—'),
    h('td', { 'data-label': t('list.actions'), class: 'row-actions' },
      h('button', { type: 'button', class: 'btn small danger-outline',
        'aria-label': `${t('list.delete')} ${a.fileName}`,
        onclick: () => deleteAnalysis(a, reload) }, t('list.delete')))));
  const prev = h('button', { type: 'button', class: 'btn small', disabled: state.page <= 1,
    onclick: () => { state.page--; reload(); } }, t('list.prev'));
  const next = h('button', { type: 'button', class: 'btn small', disabled: state.page >= pages,
    onclick: () => { state.page++; reload(); } }, t('list.next'));
  clear(body,
    h('table', {},
      h('thead', {}, h('tr', {}, ['list.file', 'list.date', 'list.status', 'list.score', 'list.actions']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows)),
    pages > 1 ? h('div', { class: 'pager' }, prev, h('span', {}, t('list.page', { page: state.page, pages })), next) : null);
}

async function deleteAnalysis(a, after) {
  if (!await confirmDialog(t('confirm.deleteTitle', { name: a.fileName }), t('confirm.deleteText'), t('confirm.yes'))) return;
  try {
    await call('DELETE', `/api/cv/analyses/${a.id}`);
    notify(t('list.deleted', { name: a.fileName }));
    await after();
  } catch (err) {
    const box = document.getElementById('page-error');
    showError(box, err);
  }
}

function viewDashboard() {
  const list = listCard();
  let plan = planCard();
  const grid = h('div', { class: 'grid' }, uploadCard(afterUpload), plan);
  const page = h('div', { class: 'dashboard' },
    h('h1', { tabindex: -1, class: 'visually-hidden' }, t('nav.dashboard')),
    grid,
    h('div', { id: 'page-error', class: 'form-error', role: 'alert' }),
    list.section);
  let watching = false;
  const watch = () => {
    if (watching) return;
    watching = true;
    watchWhile('/api/events', (res) => (watching = res.analyses.some((a) => !TERMINAL.has(a.status))),
      list.load);
  };
  // After an upload only the usage and the list change: the form stays,
  // so a file chosen meanwhile is kept.
  async function afterUpload() {
    state.page = 1;
    await refreshUser();
    const fresh = planCard();
    plan.replaceWith(fresh);
    plan = fresh;
    await list.load();
    watch();
  }
  list.load().then((res) => {
    if (res.analyses.some((a) => !TERMINAL.has(a.status))) watch();
  }, (err) => showError(document.getElementById('page-error'), err));
  return page;
}

// ------------------------------------------------------------ one analysis

function viewAnalysis(id) {
  const page = h('article', { class: 'analysis' },
    h('p', {}, h('a', { href: '#/' }, '← ', t('result.back'))));
  const body = h('div', { 'aria-live': 'polite' });
  const box = formError();
  page.append(box, body);
  const load = async () => {
    const { analysis } = await call('GET', `/api/cv/analyses/${id}`);
    renderAnalysis(body, analysis, box);
    return analysis;
  };
  load().then((a) => {
    if (!TERMINAL.has(a.status)) watchWhile(`/api/cv/analyses/${id}/events`, (x) => !TERMINAL.has(x.status), load);
  }, (err) => showError(box, err));
  return page;
}

function steps(status) {
  const order = ['queued', 'processing', status === 'failed' ? 'failed' : 'completed'];
  const at = order.indexOf(status);
  return h('ol', { class: 'steps' }, order.map((s, i) => h('li', {
    class: i < at ? 'done' : i === at ? `current ${s}` : '',
    'aria-current': i === at ? 'step' : null }, t(`status.${s}`))));
}

function bulletList(items) {
  return items.length ? h('ul', {}, items.map((s) => h('li', {}, s))) : h('p', { class: 'hint' }, t('result.none'));
}

function renderAnalysis(body, a, box) {
  const download_ = h('button', { type: 'button', class: 'btn', id: 'download' }, t('result.download'));
  download_.addEventListener('click', async () => {
    clear(box);
    try { await download(a.fileUrl, a.fileName); } catch (err) { showError(box, err); }
  });
  const del = h('button', { type: 'button', class: 'btn danger-outline' }, t('result.delete'));
  del.addEventListener('click', () => deleteAnalysis(a, async () => {
    state.notice = t('list.deleted', { name: a.fileName });
    go('#/');
  }));
  const retry = h('button', { type: 'button', class: 'btn primary' }, t('result.retry'));
  retry.addEventListener('click', async () => {
    try {
      await call('POST', `/api/cv/analyses/${a.id}/retry`);
      route();
    } catch (err) { showError(box, err); }
  });

  const head = h('header', { class: 'analysis-head' },
    h('div', {},
      h('h1', { tabindex: -1 }, a.fileName),
      h('p', { class: 'meta' }, formatDate(a.createdAt), ' · ', formatSize(a.fileSize),
        a.options.targetRole ? [' · ', a.options.targetRole] : null)),
    h('div', { class: 'actions' }, download_, del));

  const parts = [head, steps(a.status)];
  if (a.status === 'failed') {
    parts.push(h('div', { class: 'callout danger' }, h('p', {}, t('result.failed', { error: a.error || '' })), retry));
  } else if (a.status !== 'completed') {
    parts.push(h('p', { class: 'waiting' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('result.waiting')));
  } else {
    const r = a.result;
    parts.push(
      h('section', { class: 'card overview' },
        h('div', { class: 'gauges' }, gauge(t('result.score'), r.score), gauge(t('result.ats'), r.atsScore)),
        h('div', { class: 'summary' }, h('h2', {}, t('result.summary')), h('p', {}, r.summary))),
      h('div', { class: 'grid three' },
        h('section', { class: 'card strengths' }, h('h2', {}, t('result.strengths')), bulletList(r.strengths)),
        h('section', { class: 'card weaknesses' }, h('h2', {}, t('result.weaknesses')), bulletList(r.weaknesses)),
        h('section', { class: 'card suggestions' }, h('h2', {}, t('result.suggestions')), bulletList(r.suggestions))),
      h('div', { class: 'grid' },
        h('section', { class: 'card keywords' }, h('h2', {}, t('result.keywords')),
          r.keywords.found.length || r.keywords.missing.length
            ? [h('h3', {}, t('result.found')), chips(r.keywords.found, 'found'),
              h('h3', {}, t('result.missing')), chips(r.keywords.missing, 'missing')]
            : h('p', { class: 'hint' }, t('result.noKeywords'))),
        h('section', { class: 'card sections' }, h('h2', {}, t('result.sections')),
          h('ul', { class: 'checklist' }, Object.entries(r.sections).map(([k, v]) => h('li', { class: v ? 'yes' : 'no' },
            h('span', { class: 'mark', 'aria-hidden': 'true' }, v ? '✓' : '✗'),
            t(`result.section.${k}`), h('span', { class: 'visually-hidden' }, ` (${t(v ? 'result.present' : 'result.absent')})`)))))),
      a.optimizedVersion
        ? h('section', { class: 'card optimized' }, h('h2', {}, t('result.optimized')),
          h('div', { class: 'markdown' }, renderMarkdown(a.optimizedVersion)))
        : null);
  }
  clear(body, parts);
}

function chips(words, kind) {
  return words.length
    ? h('ul', { class: `chips ${kind}` }, words.map((w) => h('li', { class: 'chip' }, w)))
    : h('p', { class: 'hint' }, t('result.none'));
}

// ------------------------------------------------------------ account

function viewAccount() {
  const u = state.user;
  const box = formError();
  const password = field({ label: t('account.erasePassword'), name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn danger' }, t('account.erase'));
  const onSubmit = async (e) => {
    e.preventDefault();
    clear(box);
    if (!validate([{ f: password, rule: () => check({}, password.input.value, { required: true }) }])) return;
    if (!await confirmDialog(t('confirm.eraseTitle'), t('confirm.eraseText'), t('confirm.yes'))) return;
    busy(submit, true);
    try {
      await call('DELETE', '/api/auth/me', { password: password.input.value });
      session.token = null;
      state.user = null;
      state.notice = t('account.erased');
      renderHeader();
      go('#/register');
    } catch (err) {
      // Only the password was asked for here.
      if (err instanceof ApiError && err.code === 'invalid_credentials') err.code = 'wrong_password';
      showError(box, err, { password });
    } finally {
      busy(submit, false);
    }
  };
  return h('div', { class: 'account' },
    h('section', { class: 'card' },
      h('h1', { tabindex: -1 }, t('account.title')),
      h('dl', {},
        h('dt', {}, t('auth.name')), h('dd', {}, u.name),
        h('dt', {}, t('auth.email')), h('dd', {}, u.email),
        h('dt', {}, t('plan.title')), h('dd', {}, t(`plan.${u.plan}`))),
      h('p', { class: 'hint' }, t('account.since', { date: formatDay(u.createdAt) }))),
    planCard(),
    h('section', { class: 'card danger-zone', 'aria-labelledby': 'erase-title' },
      h('h2', { id: 'erase-title' }, t('account.erase')),
      h('p', {}, t('account.eraseText')),
      h('form', { novalidate: true, onsubmit: onSubmit, id: 'erase-form' }, password.wrap, box, submit)));
}

// ------------------------------------------------------------ routing

async function route() {
  state.view++;
  stopLive();
  const hash = location.hash || '#/';
  const main = document.getElementById('main');
  if (session.token && !state.user) {
    try {
      await refreshUser();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      session.token = null;
    }
  }
  let view;
  let m;
  if (!state.user) {
    view = viewAuth(hash === '#/register' ? 'register' : 'login');
  } else if ((m = hash.match(/^#\/analyses\/([0-9a-f]{24})$/))) {
    view = viewAnalysis(m[1]);
  } else if (hash === '#/account') {
    view = viewAccount();
  } else {
    if (hash !== '#/') history.replaceState(null, '', '#/');
    view = viewDashboard();
  }
  clear(main, h('div', { id: 'notice', role: 'status' }, state.notice ? h('p', { class: 'notice' }, state.notice) : null), view);
  state.notice = '';
  const title = main.querySelector('h1');
  if (title && document.activeElement === document.body) title.focus({ preventScroll: true });
}

async function start() {
  // Stripe returns to FRONTEND_URL/billing/success or /billing/cancel.
  if (location.pathname.startsWith('/billing')) {
    if (location.pathname.startsWith('/billing/success')) notify(t('plan.success'));
    else if (location.pathname.startsWith('/billing/cancel')) notify(t('plan.cancel'));
    history.replaceState(null, '', '/#/');
  }
  renderHeader();
  try {
    state.rules = await loadRules();
  } catch {
    state.notice = [state.notice, t('error.rulesUnavailable')].filter(Boolean).join(' ');
  }
  call('GET', '/api/billing/plans').then((r) => { state.plans = r.plans; }, () => {});
  window.addEventListener('hashchange', route);
  await route();
}

start();

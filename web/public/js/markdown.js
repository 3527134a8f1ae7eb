// markdown.js - renders the optimized version (Markdown written by a
// model, so untrusted) into DOM nodes. Safe by construction: only the
// elements below are created, text goes in as text nodes, and links keep
// only http(s) and mailto addresses. Headings, paragraphs, lists, quotes,
// code blocks, rules; bold, italic, inline code and links inside lines.

import { h } from './dom.js';

const INLINE = /(\*\*|__)(.+?)\1|(\*|_)(?!\s)(.+?)\3|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[2] !== undefined) out.push(h('strong', {}, inline(m[2])));
    else if (m[4] !== undefined) out.push(h('em', {}, inline(m[4])));
    else if (m[5] !== undefined) out.push(h('code', {}, m[5]));
    else if (/^(https?:|mailto:)/i.test(m[7])) {
      out.push(h('a', { href: m[7], rel: 'noopener noreferrer nofollow', target: '_blank' }, m[6]));
    } else out.push(m[6]);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function renderMarkdown(src) {
  // HTML comments are invisible in Markdown; other HTML shows as text.
  const lines = String(src).replace(/<!--[\s\S]*?-->/g, '').replace(/\r\n?/g, '\n').split('\n');
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (/^\s*$/.test(line)) { i++; continue; }
    if (/^```/.test(line)) {
      const code = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      blocks.push(h('pre', {}, h('code', {}, code.join('\n'))));
    } else if ((m = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/))) {
      // The page's own headings go to h2; the document's start at h3.
      blocks.push(h(`h${Math.min(6, m[1].length + 2)}`, {}, inline(m[2])));
      i++;
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push(h('hr'));
      i++;
    } else if (/^\s*>/.test(line)) {
      const q = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]); i++) q.push(lines[i].replace(/^\s*>\s?/, ''));
      blocks.push(h('blockquote', {}, renderMarkdown(q.join('\n'))));
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items = [];
      for (; i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i]); i++) {
        items.push(h('li', {}, inline(lines[i].replace(/^\s*([-*+]|\d+[.)])\s+/, ''))));
      }
      blocks.push(h(ordered ? 'ol' : 'ul', {}, items));
    } else {
      const para = [line.trim()];
      for (i++; i < lines.length && !/^\s*$/.test(lines[i]) && !/^(#{1,6}\s|```|\s*>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i]); i++) {
        para.push(lines[i].trim());
      }
      blocks.push(h('p', {}, inline(para.join(' '))));
    }
  }
  return blocks;
}

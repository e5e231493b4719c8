/*
 * Captured content as people read it. LLM spans whose content is the GenAI messages structure the
 * integrations record ({"gen_ai.input.messages": [...]}, {"gen_ai.output.messages": [...]}: each
 * message a role and typed parts) show as a conversation: roles, text with its line breaks, tool
 * calls with their arguments, tool results, reasoning, the finish reason; long parts folded; a copy
 * button per part and for the whole stored text; the JSON tree one click away. Anything else (and
 * content cut short, which is no longer JSON) shows as before, with a copy button.
 *
 * Used by the trace page, the report (inlined, no server) and the compare page (transcript()).
 * Everything here is untrusted: it reaches the DOM as text nodes only (TW.el), never as HTML, and
 * nothing recorded becomes a link, an attribute or a style.
 */
'use strict';
(function (TW) {
  var el = TW.el;
  var INPUT = 'gen_ai.input.messages';
  var OUTPUT = 'gen_ai.output.messages';
  var SYSTEM = 'gen_ai.system_instructions';
  /** A part longer than this (lines or characters) is folded to its beginning. */
  var FOLD_LINES = 20;
  var FOLD_CHARS = 1500;
  var FOLDED_LINES = 8;
  var FOLDED_CHARS = 500;
  /** The view last chosen (conversation or JSON) is kept for the next span while the page is open. */
  var preferJson = false;

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  /** A list of messages: objects with a role or parts (OpenAI's {role, content} included). */
  function isMessageList(list) {
    if (!Array.isArray(list)) return false;
    for (var i = 0; i < list.length; i++) {
      var m = list[i];
      if (!isObject(m)) return false;
      if (typeof m.role !== 'string' && !Array.isArray(m.parts)) return false;
      if (m.parts !== undefined && !Array.isArray(m.parts)) return false;
    }
    return true;
  }

  /**
   * The stored text as GenAI messages: {messages, system, rest, value}, or null when it is not that
   * structure (or not JSON at all: content cut at the capture limit ends in a marker).
   */
  function parse(text) {
    if (typeof text !== 'string') return null;
    var start = text.search(/\S/);
    if (start < 0 || (text.charAt(start) !== '{' && text.charAt(start) !== '[')) return null;
    var value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return null;
    }
    if (Array.isArray(value)) {
      return value.length && isMessageList(value) && value.some(function (m) { return Array.isArray(m.parts); })
          ? {messages: value, system: null, rest: null, value: value} : null;
    }
    if (!isObject(value)) return null;
    var key = Array.isArray(value[INPUT]) ? INPUT : Array.isArray(value[OUTPUT]) ? OUTPUT : null;
    if (!key || !isMessageList(value[key])) return null;
    var system = Array.isArray(value[SYSTEM]) ? value[SYSTEM] : null;
    var rest = {};
    var more = false;
    Object.keys(value).forEach(function (k) {
      if (k !== key && !(k === SYSTEM && system)) {
        rest[k] = value[k];
        more = true;
      }
    });
    return {messages: value[key], system: system, rest: more ? rest : null, value: value};
  }

  /** A value as readable text: strings as they are (JSON inside a string pretty-printed), the rest as indented JSON. */
  function readable(value) {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') {
      var t = value.trim();
      if ((t.charAt(0) === '{' && t.charAt(t.length - 1) === '}') || (t.charAt(0) === '[' && t.charAt(t.length - 1) === ']')) {
        try {
          return JSON.stringify(JSON.parse(t), null, 2);
        } catch (e) {
          return value;
        }
      }
      return value;
    }
    return JSON.stringify(value, null, 2);
  }

  /** The tool name of each call ID in these messages, for results that do not repeat it. */
  function toolNames(messages) {
    var names = {};
    messages.forEach(function (m) {
      (Array.isArray(m.parts) ? m.parts : []).forEach(function (p) {
        if (isObject(p) && p.type === 'tool_call' && p.id !== undefined && typeof p.name === 'string') names[String(p.id)] = p.name;
      });
    });
    return names;
  }

  /** The parts of a message; OpenAI's plain {role, content: "text"} as one text part. */
  function partsOf(m) {
    if (Array.isArray(m.parts)) return m.parts;
    if (typeof m.content === 'string') return [{type: 'text', content: m.content}];
    return [];
  }

  /** One part described: {kind, label, text, copy}; text is what is shown (and copied). */
  function describe(part, names) {
    if (!isObject(part)) return {kind: 'other', label: 'part', text: readable(part)};
    var type = typeof part.type === 'string' ? part.type : 'part';
    var id = part.id === undefined || part.id === null ? '' : String(part.id);
    if (type === 'text') {
      return {kind: 'text', label: null, text: typeof part.content === 'string' ? part.content : readable(part.content)};
    }
    if (type === 'reasoning') {
      return {kind: 'reasoning', label: 'reasoning', text: typeof part.content === 'string' ? part.content : readable(part.content)};
    }
    if (type === 'tool_call') {
      return {kind: 'tool-call', label: 'tool call: ' + (typeof part.name === 'string' ? part.name : '?') + (id ? '  (id ' + id + ')' : ''),
        text: readable(part.arguments)};
    }
    if (type === 'tool_call_response') {
      var result = part.response !== undefined ? part.response : part.result;
      var name = typeof part.name === 'string' ? part.name : names[id];
      return {kind: 'tool-result', label: 'tool result' + (name ? ': ' + name : '') + (id ? '  (id ' + id + ')' : ''), text: readable(result)};
    }
    var rest = {};
    Object.keys(part).forEach(function (k) { if (k !== 'type') rest[k] = part[k]; });
    return {kind: 'other', label: type, text: Object.keys(rest).length ? JSON.stringify(rest, null, 2) : ''};
  }

  /** The other fields of a message (not role, parts, finish reason), as "name: value" text. */
  function extraFields(m) {
    var lines = [];
    Object.keys(m).forEach(function (k) {
      if (k === 'role' || k === 'parts' || k === 'finish_reason' || k === 'name' || (k === 'content' && !Array.isArray(m.parts))) return;
      lines.push(k + ': ' + (typeof m[k] === 'string' ? m[k] : JSON.stringify(m[k])));
    });
    return lines;
  }

  /** Writes text to the clipboard (the async API, else the older copy command); says so on the button. */
  function copy(text, button) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    function said(ok) {
      button.textContent = ok ? 'Copied' : 'Copy failed: select the text';
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    function fallback() {
      var area = el('textarea', {'aria-hidden': 'true'});
      area.value = text;
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      said(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { said(true); }, fallback);
    } else {
      fallback();
    }
  }

  function copyButton(label, title, text) {
    return el('button', {type: 'button', className: 'copy', title: title, onclick: function (e) { copy(text, e.currentTarget); }}, label);
  }

  /** Text with its line breaks; folded to its first lines when long, with a button for the rest. */
  function foldedText(text, className) {
    var pre = el('pre', {className: 'part-text ' + className});
    var lines = 0;
    var cut = -1;
    for (var i = 0; i < text.length && i <= FOLD_CHARS; i++) {
      if (text.charCodeAt(i) === 10) {
        lines++;
        if (lines === FOLDED_LINES && cut < 0) cut = i;
      }
    }
    var long = text.length > FOLD_CHARS || lines >= FOLD_LINES;
    if (!long) {
      pre.textContent = text;
      return pre;
    }
    if (cut < 0 || cut > FOLDED_CHARS) cut = Math.min(FOLDED_CHARS, text.length);
    var head = text.substring(0, cut);
    var total = countLines(text);
    var box = el('div', {className: 'folded-part'}, pre);
    var button = el('button', {type: 'button', className: 'fold', 'aria-expanded': 'false'});
    function show(all) {
      pre.textContent = all ? text : head + '…';
      button.textContent = all ? 'Fold' : 'Show all: ' + total + (total === 1 ? ' line, ' : ' lines, ') + TW.tokens(text.length) + ' characters';
      button.setAttribute('aria-expanded', all ? 'true' : 'false');
      box.classList.toggle('unfolded', all);
    }
    var open = false;
    button.addEventListener('click', function () { open = !open; show(open); });
    show(false);
    box.appendChild(button);
    return box;
  }

  function countLines(text) {
    var n = 1;
    for (var i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
    return n;
  }

  /** A part: its label (none for plain text), a copy button, its text. */
  function partView(d) {
    var head = el('div', {className: 'part-head'}, d.label ? el('span', {className: 'part-label'}, d.label) : null,
        copyButton('Copy', 'Copy this part', d.text));
    var body = d.text === '' ? el('p', {className: 'muted part-empty'}, '(empty)') : foldedText(d.text, d.kind);
    return el('div', {className: 'part part-' + d.kind + (d.label ? '' : ' part-plain')}, head, body);
  }

  function roleClass(role) {
    return /^(system|user|assistant|tool)$/.test(role) ? role : 'other';
  }

  function messageView(m, names) {
    var role = typeof m.role === 'string' ? m.role : 'message';
    var head = el('div', {className: 'msg-head'}, el('span', {className: 'msg-role'}, role));
    if (typeof m.name === 'string' && m.name) head.appendChild(el('span', {className: 'msg-name muted'}, m.name));
    if (m.finish_reason !== undefined && m.finish_reason !== null) {
      head.appendChild(el('span', {className: 'finish-reason'}, 'finish reason: ' + String(m.finish_reason)));
    }
    var box = el('div', {className: 'msg role-' + roleClass(role)}, head);
    var parts = partsOf(m);
    parts.forEach(function (p) { box.appendChild(partView(describe(p, names))); });
    extraFields(m).forEach(function (line) { box.appendChild(el('div', {className: 'msg-extra muted'}, line)); });
    if (!parts.length) box.appendChild(el('p', {className: 'muted part-empty'}, '(no parts)'));
    return box;
  }

  function conversation(parsed, jsonBlock) {
    var list = el('div', {className: 'conversation'});
    var names = toolNames(parsed.messages);
    if (parsed.system) list.appendChild(messageView({role: 'system', parts: parsed.system}, names));
    parsed.messages.forEach(function (m) { list.appendChild(messageView(m, names)); });
    if (!parsed.messages.length && !parsed.system) list.appendChild(el('p', {className: 'muted'}, 'no messages'));
    if (parsed.rest) {
      list.appendChild(el('div', {className: 'msg-rest'}, el('div', {className: 'muted'}, 'Other fields'), jsonBlock(JSON.stringify(parsed.rest))));
    }
    return list;
  }

  /**
   * Stored text (an input or an output) for the inspector: the conversation when it is GenAI
   * messages (with a switch to the JSON tree), else plainBlock(text) (the JSON tree or the text);
   * a copy button for the whole stored text either way.
   */
  function contentView(text, plainBlock) {
    var parsed = parse(text);
    var box = el('div', {className: 'content-view'});
    var bar = el('div', {className: 'content-bar'});
    box.appendChild(bar);
    if (!parsed) {
      bar.appendChild(copyButton('Copy', 'Copy the stored text', text));
      box.appendChild(plainBlock(text));
      return box;
    }
    var count = parsed.messages.length + (parsed.system ? 1 : 0);
    var asChat = el('button', {type: 'button', className: 'view-switch', 'aria-pressed': 'true'}, 'Conversation (' + count + (count === 1 ? ' message)' : ' messages)'));
    var asJson = el('button', {type: 'button', className: 'view-switch', 'aria-pressed': 'false'}, 'JSON');
    var views = el('span', {className: 'view-switches', role: 'group', 'aria-label': 'Show as'}, asChat, asJson);
    bar.appendChild(views);
    bar.appendChild(copyButton('Copy raw JSON', 'Copy the stored JSON, as recorded', text));
    var chat = null;
    var json = null;
    var holder = el('div', {className: 'content-holder'});
    box.appendChild(holder);
    function show(wantJson) {
      preferJson = wantJson;
      asChat.setAttribute('aria-pressed', wantJson ? 'false' : 'true');
      asJson.setAttribute('aria-pressed', wantJson ? 'true' : 'false');
      TW.clear(holder);
      if (wantJson) {
        json = json || plainBlock(text);
        holder.appendChild(json);
      } else {
        chat = chat || conversation(parsed, plainBlock);
        holder.appendChild(chat);
      }
    }
    asChat.addEventListener('click', function () { show(false); });
    asJson.addEventListener('click', function () { show(true); });
    show(preferJson);
    return box;
  }

  /**
   * Stored text as lines to compare: a conversation as a transcript ("[assistant] finish reason:
   * stop", its text, "tool call: name (id …)" and the arguments), other JSON indented, other text
   * as it is.
   */
  function transcript(text) {
    if (text === null || text === undefined) return [];
    var parsed = parse(text);
    if (!parsed) {
      var value;
      try {
        value = JSON.parse(text);
      } catch (e) {
        return String(text).split('\n');
      }
      return (typeof value === 'string' ? value : JSON.stringify(value, null, 2)).split('\n');
    }
    var lines = [];
    var names = toolNames(parsed.messages);
    function add(m) {
      var role = typeof m.role === 'string' ? m.role : 'message';
      lines.push('[' + role + ']' + (typeof m.name === 'string' && m.name ? ' ' + m.name : '') +
          (m.finish_reason !== undefined && m.finish_reason !== null ? '  finish reason: ' + m.finish_reason : ''));
      partsOf(m).forEach(function (p) {
        var d = describe(p, names);
        if (d.label) lines.push(d.label + ':');
        if (d.text !== '') Array.prototype.push.apply(lines, d.text.split('\n'));
      });
      Array.prototype.push.apply(lines, extraFields(m));
    }
    if (parsed.system) add({role: 'system', parts: parsed.system});
    parsed.messages.forEach(add);
    if (parsed.rest) Array.prototype.push.apply(lines, ('other fields: ' + JSON.stringify(parsed.rest, null, 2)).split('\n'));
    return lines;
  }

  TW.messages = {parse: parse, transcript: transcript, copy: copy};
  TW.contentView = contentView;
})(window.TW);

// proflens timeline: canvas rendering of /api/window answers. Trace text only ever reaches the page through
// textContent or canvas fillText, never as markup.
(function () {
  'use strict';

  var LABEL_W = 280, AXIS_H = 22, LANE_H = 16, GROUP_H = 18, TRACK_PAD = 3, MIN_SPAN_NS = 50;
  var CATEGORY_COLORS = {
    'GEMM': '#4e79a7', 'attention': '#f28e2b', 'communication': '#e15759', 'elementwise': '#76b7b2',
    'copy': '#59a14f', 'reduction': '#edc948', 'normalization': '#b07aa1', 'activation': '#ff9da7',
    'softmax': '#9c755f', 'embedding': '#bab0ac', 'optimizer': '#8cd17d', 'memcpy': '#d37295',
    'memset': '#fabfd2', 'other': '#a0cbe8'
  };
  var KIND_HUES = { 'nvtx': [80, 160], 'cpu-ops': [180, 240], 'cuda-api': [20, 50], 'os-runtime': [260, 320] };

  var errors = [];
  function recordError(msg) {
    errors.push(String(msg));
    var el = document.getElementById('errors');
    if (el) { el.textContent = errors.join('\n'); }
  }
  window.addEventListener('error', function (e) { recordError(e.message); });
  window.addEventListener('unhandledrejection', function (e) { recordError(e.reason && e.reason.message || e.reason); });

  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error((j && j.error) || ('HTTP ' + r.status)); }
        return j;
      });
    });
  }

  function fmtNs(ns) {
    var a = Math.abs(ns);
    if (a >= 1e9) { return (ns / 1e9).toFixed(3) + ' s'; }
    if (a >= 1e6) { return (ns / 1e6).toFixed(3) + ' ms'; }
    if (a >= 1e3) { return (ns / 1e3).toFixed(3) + ' µs'; }
    return Math.round(ns) + ' ns';
  }

  function hashHue(s, kind) {
    var h = 0;
    for (var i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; }
    var r = KIND_HUES[kind] || [0, 360];
    return r[0] + (Math.abs(h) % (r[1] - r[0]));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  var state = { profiles: [], panels: [], active: 0, selected: null, selection: null, details: null };

  // ------------------------------------------------------------------ panel

  function Panel(profile, index) {
    this.profile = profile;
    this.index = index;
    this.tracks = [];
    this.rows = [];     // {track, y, h, lanes, label, group}
    this.t0 = profile.startNs;
    this.t1 = profile.endNs;
    this.data = null;
    this.hits = [];
    this.seq = 0;
    this.pending = 0;
    this.timer = null;
    this.renderedRows = 0;
    this.renderedItems = 0;
    this.dragging = null;
    this.root = el('div', 'panel');
    var head = el('div', 'panel-head');
    head.appendChild(el('h3', null, profile.name + (profile.synthetic ? ' (SYNTHETIC)' : '')));
    this.info = el('span', 'muted');
    head.appendChild(this.info);
    this.root.appendChild(head);
    this.canvas = el('canvas');
    this.canvas.tabIndex = 0;
    this.root.appendChild(this.canvas);
    document.getElementById('panels').appendChild(this.root);
    this.bind();
  }

  Panel.prototype.load = function () {
    var self = this;
    return getJson('api/tracks?p=' + this.profile.id).then(function (j) {
      self.tracks = j.tracks;
      self.layout();
      return self.refresh();
    });
  };

  Panel.prototype.layout = function () {
    var y = AXIS_H, group = null;
    this.rows = [];
    this.groups = [];
    for (var i = 0; i < this.tracks.length; i++) {
      var t = this.tracks[i];
      if (t.group !== group) {
        group = t.group;
        this.groups.push({ y: y, label: group });
        y += GROUP_H;
      }
      var h = t.lanes * LANE_H + 2 * TRACK_PAD;
      this.rows.push({ track: t.id, y: y, h: h, lanes: t.lanes, label: t.label, kind: t.kind });
      y += h;
    }
    this.height = y + 4;
    this.rowByTrack = {};
    for (var r = 0; r < this.rows.length; r++) { this.rowByTrack[this.rows[r].track] = this.rows[r]; }
  };

  Panel.prototype.plotWidth = function () {
    return Math.max(50, this.cssWidth() - LABEL_W);
  };

  Panel.prototype.cssWidth = function () {
    return Math.max(400, this.root.clientWidth || 1000);
  };

  Panel.prototype.xOf = function (t) {
    return LABEL_W + (t - this.t0) * this.plotWidth() / (this.t1 - this.t0);
  };

  Panel.prototype.tOf = function (x) {
    return this.t0 + (x - LABEL_W) * (this.t1 - this.t0) / this.plotWidth();
  };

  /** Sets the window (clamped) and schedules a fetch; returns a promise resolved after the redraw. */
  Panel.prototype.setWindow = function (t0, t1) {
    var full = this.profile.endNs - this.profile.startNs;
    var pad = full * 0.05;
    var minT = this.profile.startNs - pad, maxT = this.profile.endNs + pad;
    var w = Math.max(MIN_SPAN_NS, Math.min(t1 - t0, maxT - minT));
    if (t0 < minT) { t0 = minT; }
    if (t0 + w > maxT) { t0 = maxT - w; }
    this.t0 = Math.round(t0);
    this.t1 = Math.round(t0 + w);
    if (this.t1 <= this.t0) { this.t1 = this.t0 + 1; }
    this.draw();
    return this.refresh(25);
  };

  Panel.prototype.zoom = function (factor, centerT) {
    if (centerT === undefined) { centerT = (this.t0 + this.t1) / 2; }
    var t0 = centerT - (centerT - this.t0) * factor;
    var t1 = centerT + (this.t1 - centerT) * factor;
    return this.setWindow(t0, t1);
  };

  Panel.prototype.pan = function (frac) {
    var d = (this.t1 - this.t0) * frac;
    return this.setWindow(this.t0 + d, this.t1 + d);
  };

  Panel.prototype.refresh = function (delayMs) {
    var self = this;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; this.pending--; }
    this.pending++;
    return new Promise(function (resolve) {
      self.waiters = (self.waiters || []).concat([resolve]);
      self.timer = setTimeout(function () {
        self.timer = null;
        var waiters = self.waiters;
        self.waiters = [];
        var seq = ++self.seq;
        var url = 'api/window?p=' + self.profile.id + '&t0=' + self.t0 + '&t1=' + self.t1
          + '&px=' + Math.max(1, Math.round(self.plotWidth()));
        getJson(url).then(function (j) {
          if (seq === self.seq) { self.data = j; self.draw(); }
        }).catch(function (e) {
          setStatus('window query failed: ' + e.message);
        }).then(function () {
          self.pending--;
          waiters.forEach(function (w) { w(); });
        });
      }, delayMs || 0);
    });
  };

  Panel.prototype.colorOf = function (row, nameKey, names, cats) {
    if (row.kind === 'gpu') {
      return CATEGORY_COLORS[cats[nameKey]] || CATEGORY_COLORS.other;
    }
    return 'hsl(' + hashHue(names[nameKey] || '', row.kind) + ',45%,62%)';
  };

  Panel.prototype.draw = function () {
    var dpr = window.devicePixelRatio || 1;
    var W = this.cssWidth(), H = this.height || 100;
    var c = this.canvas;
    if (c.width !== Math.round(W * dpr) || c.height !== Math.round(H * dpr)) {
      c.width = Math.round(W * dpr);
      c.height = Math.round(H * dpr);
      c.style.height = H + 'px';
    }
    var g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, W, H);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    this.drawAxis(g, W);
    var i, r;
    for (i = 0; i < this.groups.length; i++) {
      var gr = this.groups[i];
      g.fillStyle = '#e9ecf2';
      g.fillRect(0, gr.y, W, GROUP_H);
      g.fillStyle = '#20263a';
      g.font = 'bold 11px system-ui, sans-serif';
      g.fillText(clip(g, gr.label, W - 8), 6, gr.y + GROUP_H / 2);
      g.font = '11px system-ui, sans-serif';
    }
    for (i = 0; i < this.rows.length; i++) {
      r = this.rows[i];
      g.fillStyle = i % 2 ? '#fafbfc' : '#ffffff';
      g.fillRect(0, r.y, W, r.h);
      g.fillStyle = '#333b4d';
      g.fillText(clip(g, r.label, LABEL_W - 12), 8, r.y + Math.min(r.h, LANE_H + 2 * TRACK_PAD) / 2);
    }
    g.strokeStyle = '#d6d9e0';
    g.beginPath();
    g.moveTo(LABEL_W - 0.5, AXIS_H);
    g.lineTo(LABEL_W - 0.5, H);
    g.stroke();
    this.hits = [];
    var rowsWithItems = 0, items = 0;
    if (this.data) {
      var d = this.data, names = d.names, cats = d.cats;
      g.save();
      g.beginPath();
      g.rect(LABEL_W, AXIS_H, W - LABEL_W, H - AXIS_H);
      g.clip();
      for (i = 0; i < d.tracks.length; i++) {
        var tr = d.tracks[i];
        r = this.rowByTrack[tr.id];
        if (!r) { continue; }
        if (tr.items.length) { rowsWithItems++; }
        for (var k = 0; k < tr.items.length; k++) {
          var a = tr.items[k];
          var it = { lane: a[0], i: a[1] >= 0 ? a[1] : undefined, start: a[2], end: a[3], count: a[4] > 1 ? a[4] : 0,
            name: a[5] };
          var x0 = this.xOf(it.start), x1 = this.xOf(it.end);
          var w = Math.max(1, x1 - x0);
          var y = r.y + TRACK_PAD + it.lane * LANE_H;
          g.fillStyle = this.colorOf(r, it.name, names, cats);
          g.globalAlpha = it.count ? 0.7 : 1;
          g.fillRect(x0, y + 1, w, LANE_H - 2);
          g.globalAlpha = 1;
          var sel = state.selected;
          if (sel && sel.panel === this.index && sel.track === tr.id && sel.i === it.i) {
            g.strokeStyle = '#000';
            g.lineWidth = 2;
            g.strokeRect(x0, y + 1, w, LANE_H - 2);
            g.lineWidth = 1;
          }
          var vx0 = Math.max(x0, LABEL_W), vx1 = Math.min(x0 + w, W);
          if (vx1 - vx0 > 36) {
            var label = (names[it.name] || '') + (it.count ? ' ×' + it.count : '');
            g.fillStyle = '#111';
            g.fillText(clip(g, label, vx1 - vx0 - 6), vx0 + 3, y + LANE_H / 2);
          }
          this.hits.push({ x0: x0, x1: x0 + w, y0: y, y1: y + LANE_H, track: tr.id, i: it.i, count: it.count || 1,
            start: it.start, end: it.end, name: names[it.name], lane: it.lane });
          items++;
        }
      }
      this.drawSelection(g, H);
      this.drawFlow(g);
      g.restore();
    }
    this.renderedRows = rowsWithItems;
    this.renderedItems = items;
    this.info.textContent = this.tracks.length + ' tracks · ' + this.profile.events.toLocaleString('en-US')
      + ' events · window ' + fmtNs(this.t1 - this.t0);
  };

  function clip(g, text, maxW) {
    if (maxW <= 0) { return ''; }
    if (g.measureText(text).width <= maxW) { return text; }
    var lo = 0, hi = text.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (g.measureText(text.slice(0, mid) + '…').width <= maxW) { lo = mid; } else { hi = mid - 1; }
    }
    return lo > 0 ? text.slice(0, lo) + '…' : '';
  }

  Panel.prototype.drawAxis = function (g, W) {
    g.fillStyle = '#f0f2f6';
    g.fillRect(0, 0, W, AXIS_H);
    var span = this.t1 - this.t0;
    var target = span / Math.max(1, this.plotWidth() / 120);
    var step = Math.pow(10, Math.floor(Math.log10(Math.max(1, target))));
    if (target / step > 5) { step *= 5; } else if (target / step > 2) { step *= 2; }
    var base = this.profile.startNs;
    var first = Math.ceil((this.t0 - base) / step) * step + base;
    g.fillStyle = '#445';
    g.strokeStyle = '#c8ccd6';
    for (var t = first; t <= this.t1; t += step) {
      var x = this.xOf(t);
      g.beginPath();
      g.moveTo(x + 0.5, AXIS_H - 6);
      g.lineTo(x + 0.5, AXIS_H);
      g.stroke();
      g.fillText(fmtNs(t - base), x + 3, AXIS_H / 2);
    }
    g.fillStyle = '#20263a';
    g.fillText('+' + fmtNs(this.t0 - base), 6, AXIS_H / 2);
  };

  Panel.prototype.drawSelection = function (g, H) {
    var s = state.selection;
    var span = this.dragging && this.dragging.mode === 'select' ? this.dragging : null;
    var a, b;
    if (span) { a = Math.min(span.x0, span.x1); b = Math.max(span.x0, span.x1); }
    else if (s && s.panel === this.index) { a = this.xOf(s.t0); b = this.xOf(s.t1); }
    else { return; }
    g.fillStyle = 'rgba(78,121,167,0.15)';
    g.fillRect(a, AXIS_H, b - a, H - AXIS_H);
    g.strokeStyle = 'rgba(78,121,167,0.8)';
    g.strokeRect(a + 0.5, AXIS_H, b - a, H - AXIS_H);
  };

  /** Arrow from the launching API call to the GPU operation of the selected event. */
  Panel.prototype.drawFlow = function (g) {
    var d = state.details;
    if (!d || d.panel !== this.index || !d.link) { return; }
    var api, gpu;
    var self = { track: d.track, start: d.start, lane: d.lane };
    var other = { track: d.link.track, start: d.link.start, lane: d.link.lane };
    if (d.link.relation === 'launched by') { api = other; gpu = self; } else { api = self; gpu = other; }
    var ra = this.rowByTrack[api.track], rg = this.rowByTrack[gpu.track];
    if (!ra || !rg) { return; }
    var x0 = this.xOf(api.start), y0 = ra.y + TRACK_PAD + api.lane * LANE_H + LANE_H / 2;
    var x1 = this.xOf(gpu.start), y1 = rg.y + TRACK_PAD + gpu.lane * LANE_H + 1;
    g.strokeStyle = '#111';
    g.fillStyle = '#111';
    g.lineWidth = 1.5;
    g.beginPath();
    g.moveTo(x0, y0);
    var my = (y0 + y1) / 2;
    g.bezierCurveTo(x0, my, x1, my, x1, y1);
    g.stroke();
    var dir = y1 >= y0 ? 1 : -1;
    g.beginPath();
    g.moveTo(x1, y1);
    g.lineTo(x1 - 4, y1 - 7 * dir);
    g.lineTo(x1 + 4, y1 - 7 * dir);
    g.closePath();
    g.fill();
    g.lineWidth = 1;
    this.flowDrawn = true;
  };

  Panel.prototype.hitTest = function (x, y) {
    for (var k = this.hits.length - 1; k >= 0; k--) {
      var h = this.hits[k];
      if (x >= h.x0 - 1 && x <= h.x1 + 1 && y >= h.y0 && y < h.y1) { return h; }
    }
    return null;
  };

  Panel.prototype.bind = function () {
    var self = this, c = this.canvas;
    function pos(e) {
      var r = c.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    }
    c.addEventListener('mouseenter', function () { activate(self.index); });
    c.addEventListener('wheel', function (e) {
      e.preventDefault();
      activate(self.index);
      var p = pos(e);
      var center = p.x >= LABEL_W ? self.tOf(p.x) : undefined;
      var dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      if (e.shiftKey) { self.pan(dy / 1000); } else { self.zoom(Math.exp(dy * 0.002), center); }
    }, { passive: false });
    c.addEventListener('mousedown', function (e) {
      activate(self.index);
      c.focus();
      var p = pos(e);
      self.dragging = { x0: p.x, x1: p.x, y: p.y, mode: e.shiftKey ? 'pan' : 'select', t0: self.t0, t1: self.t1 };
      e.preventDefault();
    });
    c.addEventListener('mousemove', function (e) {
      var d = self.dragging;
      if (!d) { return; }
      var p = pos(e);
      d.x1 = p.x;
      if (d.mode === 'pan') {
        var dt = (d.x0 - d.x1) * (d.t1 - d.t0) / self.plotWidth();
        self.setWindow(d.t0 + dt, d.t1 + dt);
      } else {
        self.draw();
      }
    });
    function finish(e) {
      var d = self.dragging;
      if (!d) { return; }
      self.dragging = null;
      var p = pos(e);
      d.x1 = p.x;
      if (Math.abs(d.x1 - d.x0) <= 3) {
        self.click(d.x0, d.y);
      } else if (d.mode === 'select') {
        var a = self.tOf(Math.max(LABEL_W, Math.min(d.x0, d.x1)));
        var b = self.tOf(Math.max(d.x0, d.x1));
        selectSpan(self, a, b);
        self.setWindow(a, b);
      }
    }
    c.addEventListener('mouseup', finish);
    c.addEventListener('mouseleave', function (e) { if (self.dragging) { finish(e); } });
  };

  Panel.prototype.click = function (x, y) {
    var h = this.hitTest(x, y);
    if (!h) {
      state.selected = null;
      state.details = null;
      this.draw();
      return Promise.resolve(null);
    }
    if (h.i === undefined) {
      // an aggregate: zoom into it so that its events separate
      var pad = Math.max(MIN_SPAN_NS, (h.end - h.start) * 0.25);
      return this.setWindow(h.start - pad, h.end + pad);
    }
    return selectEvent(this, h.track, h.i);
  };

  // ------------------------------------------------------------------ side panels

  function activate(i) {
    state.active = i;
    for (var k = 0; k < state.panels.length; k++) {
      state.panels[k].root.classList.toggle('active', k === i);
    }
  }

  function setStatus(text) {
    document.getElementById('status').textContent = text;
  }

  function fieldTable(rows) {
    var t = el('table', 'fields');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i][1] === null || rows[i][1] === undefined) { continue; }
      var tr = el('tr');
      tr.appendChild(el('td', null, rows[i][0]));
      var td = el('td');
      if (rows[i][1] instanceof Node) { td.appendChild(rows[i][1]); } else { td.textContent = String(rows[i][1]); }
      tr.appendChild(td);
      t.appendChild(tr);
    }
    return t;
  }

  function selectEvent(panel, track, i) {
    state.selected = { panel: panel.index, track: track, i: i };
    panel.draw();
    return getJson('api/event?p=' + panel.profile.id + '&track=' + track + '&i=' + i).then(function (ev) {
      ev.panel = panel.index;
      state.details = ev;
      showDetails(panel, ev);
      panel.draw();
      return ev;
    });
  }

  function showDetails(panel, ev) {
    var body = document.getElementById('details-body');
    body.className = '';
    body.replaceChildren();
    body.appendChild(el('div', null, ev.name)).id = 'details-name';
    var rows = [['category', ev.category], ['start', fmtNs(ev.start - panel.profile.startNs) + ' (' + ev.start + ' ns)'],
      ['end', fmtNs(ev.end - panel.profile.startNs) + ' (' + ev.end + ' ns)'], ['duration', fmtNs(ev.duration)],
      ['track', panel.tracks[ev.track] ? panel.tracks[ev.track].group + ' › ' + panel.tracks[ev.track].label : ev.track]];
    var keys = Object.keys(ev.fields);
    for (var k = 0; k < keys.length; k++) { rows.push([keys[k], ev.fields[keys[k]]]); }
    if (ev.link) {
      var b = el('button', 'linkbtn', ev.link.name + ' (' + fmtNs(ev.link.end - ev.link.start) + ')');
      b.id = 'details-link';
      b.addEventListener('click', function () { focusEvent(panel, ev.link.track, ev.link.i, ev.link.start, ev.link.end); });
      rows.push([ev.link.relation, b]);
    }
    body.appendChild(fieldTable(rows));
  }

  function focusEvent(panel, track, i, start, end) {
    var w = Math.max(2000, (end - start) * 4);
    var mid = (start + end) / 2;
    return panel.setWindow(mid - w / 2, mid + w / 2).then(function () { return selectEvent(panel, track, i); });
  }

  function selectSpan(panel, t0, t1) {
    t0 = Math.round(t0);
    t1 = Math.max(Math.round(t1), t0 + 1);
    state.selection = { panel: panel.index, t0: t0, t1: t1, rows: null };
    var body = document.getElementById('selection-body');
    body.className = 'muted';
    body.textContent = 'Summing ' + fmtNs(t1 - t0) + '…';
    return getJson('api/summary?p=' + panel.profile.id + '&t0=' + t0 + '&t1=' + t1).then(function (j) {
      state.selection.rows = j.rows;
      body.className = '';
      body.replaceChildren();
      body.appendChild(el('div', null, 'Span ' + fmtNs(t1 - t0) + ' from +' + fmtNs(t0 - panel.profile.startNs)));
      var rows = [];
      for (var i = 0; i < j.rows.length; i++) {
        rows.push([fmtNs(j.rows[i].totalNs) + ' · ' + j.rows[i].count + '×', j.rows[i].name]);
      }
      if (!rows.length) { body.appendChild(el('div', 'muted', 'No events in the span.')); }
      body.appendChild(fieldTable(rows));
      return j;
    });
  }

  function search(text) {
    var panel = state.panels[state.active];
    var body = document.getElementById('search-body');
    if (!text) { body.textContent = ''; return Promise.resolve(null); }
    return getJson('api/search?p=' + panel.profile.id + '&q=' + encodeURIComponent(text)).then(function (j) {
      body.className = '';
      body.replaceChildren();
      body.appendChild(el('div', 'muted', j.total + ' events match' + (j.total > j.hits.length ? ' (first '
        + j.hits.length + ' shown)' : '')));
      j.hits.forEach(function (h) {
        var b = el('button', 'hit', '+' + fmtNs(h.start - panel.profile.startNs) + '  ' + h.name);
        b.addEventListener('click', function () { focusEvent(panel, h.track, h.i, h.start, h.end); });
        body.appendChild(b);
      });
      return j;
    });
  }

  function onKey(e) {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) {
      if (e.key === 'Escape') { e.target.blur(); }
      return;
    }
    var p = state.panels[state.active];
    if (!p) { return; }
    var k = e.key.toLowerCase();
    if (k === 'w') { p.zoom(0.8); } else if (k === 's') { p.zoom(1.25); } else if (k === 'a') { p.pan(-0.1); }
    else if (k === 'd') { p.pan(0.1); } else if (k === '0') { p.setWindow(p.profile.startNs, p.profile.endNs); }
    else if (k === '/') { e.preventDefault(); document.getElementById('search').focus(); }
    else { return; }
  }

  // ------------------------------------------------------------------ test hooks

  function idle() {
    return new Promise(function (resolve) {
      function check() {
        var busy = state.panels.some(function (p) { return p.pending > 0; });
        if (busy) { setTimeout(check, 10); } else { resolve(); }
      }
      check();
    });
  }

  function snapshot() {
    return {
      panels: state.panels.map(function (p) {
        return { profile: p.profile.name, t0: p.t0, t1: p.t1, tracks: p.tracks.length, renderedRows: p.renderedRows,
          renderedItems: p.renderedItems };
      }),
      selected: state.details ? { name: state.details.name, track: state.details.track, i: state.details.i,
        link: state.details.link } : null,
      selection: state.selection ? { t0: state.selection.t0, t1: state.selection.t1,
        rows: state.selection.rows ? state.selection.rows.length : 0 } : null,
      errors: errors.slice()
    };
  }

  function fire(target, type, x, y, extra) {
    var r = target.getBoundingClientRect();
    var init = { bubbles: true, cancelable: true, clientX: r.left + x, clientY: r.top + y };
    for (var k in extra || {}) { init[k] = extra[k]; }
    target.dispatchEvent(type === 'wheel' ? new WheelEvent(type, init) : new MouseEvent(type, init));
  }

  /** Clicks, through real mouse events, the widest event drawn in a panel (GPU rows first, or by name). */
  function clickEvent(panelIndex, nameContains) {
    var p = state.panels[panelIndex || 0];
    var best = null;
    p.hits.forEach(function (h) {
      if (h.i === undefined || h.x1 < LABEL_W + 2) { return; }
      if (nameContains && (h.name || '').indexOf(nameContains) < 0) { return; }
      var gpu = (p.rowByTrack[h.track] || {}).kind === 'gpu';
      var score = (gpu ? 1e6 : 0) + Math.min(h.x1, p.cssWidth()) - Math.max(h.x0, LABEL_W);
      if (!best || score > best.score) { best = { h: h, score: score }; }
    });
    if (!best) { return Promise.resolve(null); }
    var x = (Math.max(best.h.x0, LABEL_W) + Math.min(best.h.x1, p.cssWidth())) / 2;
    var y = (best.h.y0 + best.h.y1) / 2;
    fire(p.canvas, 'mousedown', x, y);
    fire(p.canvas, 'mouseup', x, y);
    return idle().then(function () { return waitFor(function () { return state.details; }); });
  }

  function waitFor(cond) {
    return new Promise(function (resolve) {
      var n = 0;
      (function poll() {
        var v = cond();
        if (v || n++ > 200) { resolve(v); } else { setTimeout(poll, 10); }
      })();
    });
  }

  function key(k) {
    document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    return idle();
  }

  /** Runs "#test=step,step" and writes a JSON result into #test-result. */
  function runScenario(steps) {
    var out = { steps: {} };
    var p = state.panels[0];
    var chain = idle().then(function () { out.initial = snapshot(); });
    steps.forEach(function (step) {
      chain = chain.then(function () {
        var before = snapshot().panels[0];
        var parts = step.split(':');
        var name = parts[0], arg = parts.slice(1).join(':');
        var action;
        if (name === 'zoom') {
          fire(p.canvas, 'wheel', LABEL_W + p.plotWidth() / 2, AXIS_H + 5, { deltaY: -600 });
          action = idle();
        } else if (name === 'zoomout') {
          fire(p.canvas, 'wheel', LABEL_W + p.plotWidth() / 2, AXIS_H + 5, { deltaY: 600 });
          action = idle();
        } else if (name === 'keys') {
          action = key('w').then(function () { return key('s'); });
        } else if (name === 'pan') {
          action = key('d');
        } else if (name === 'drag') {
          var x0 = LABEL_W + p.plotWidth() * 0.25, x1 = LABEL_W + p.plotWidth() * 0.5;
          fire(p.canvas, 'mousedown', x0, AXIS_H + 5);
          fire(p.canvas, 'mousemove', x1, AXIS_H + 5);
          fire(p.canvas, 'mouseup', x1, AXIS_H + 5);
          action = idle().then(function () { return waitFor(function () { return state.selection && state.selection.rows; }); });
        } else if (name === 'click') {
          action = clickEvent(0, arg || null);
        } else if (name === 'focus') {
          // zoom into the selected event until it is wider than 200 px, then back out to the whole span
          var d = state.details;
          action = d ? p.setWindow(d.start - (d.end - d.start), d.end + (d.end - d.start)) : idle();
        } else if (name === 'reset') {
          action = key('0');
        } else if (name === 'search') {
          action = search(arg).then(function (j) { out.search = j ? { total: j.total, hits: j.hits.length } : null; });
        } else {
          action = Promise.reject(new Error('unknown test step ' + name));
        }
        return action.then(function () {
          out.steps[step] = { before: before, after: snapshot().panels[0], selected: snapshot().selected,
            flowDrawn: !!p.flowDrawn };
        });
      });
    });
    chain.then(function () {
      out.final = snapshot();
      out.detailsText = document.getElementById('details-body').textContent;
    }).catch(function (e) { recordError(e.message); out.failure = String(e.message); }).then(function () {
      var pre = document.getElementById('test-result');
      pre.textContent = JSON.stringify(out);
      pre.hidden = false;
    });
  }

  window.proflensTimeline = {
    state: snapshot,
    panels: function () { return state.panels; },
    zoom: function (factor, panel) { return state.panels[panel || 0].zoom(factor); },
    pan: function (frac, panel) { return state.panels[panel || 0].pan(frac); },
    setWindow: function (t0, t1, panel) { return state.panels[panel || 0].setWindow(t0, t1); },
    clickEvent: clickEvent,
    select: function (panel, track, i) { return selectEvent(state.panels[panel], track, i); },
    search: search,
    key: key,
    idle: idle,
    ready: null
  };

  // ------------------------------------------------------------------ start

  function start() {
    document.addEventListener('keydown', onKey);
    var box = document.getElementById('search');
    box.addEventListener('keydown', function (e) { if (e.key === 'Enter') { search(box.value); } });
    window.addEventListener('resize', function () { state.panels.forEach(function (p) { p.draw(); p.refresh(50); }); });
    window.proflensTimeline.ready = getJson('api/profiles').then(function (j) {
      state.profiles = j.profiles;
      var reports = document.getElementById('reports');
      j.profiles.forEach(function (pr, i) {
        var a = el('a', null, j.profiles.length > 1 ? 'report ' + (i + 1) : 'report');
        a.href = 'report?p=' + pr.id;
        a.target = '_blank';
        a.rel = 'noopener';
        reports.appendChild(a);
        reports.appendChild(document.createTextNode(' '));
        state.panels.push(new Panel(pr, i));
      });
      activate(0);
      return Promise.all(state.panels.map(function (p) { return p.load(); }));
    }).then(function () {
      setStatus('');
      var m = /[#&]test=([^&]*)/.exec(location.hash);
      if (m) { runScenario(decodeURIComponent(m[1]).split(',').filter(Boolean)); }
    }).catch(function (e) {
      setStatus('failed to load: ' + e.message);
      recordError(e.message);
    });
  }

  start();
})();

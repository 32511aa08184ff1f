(function () {
  'use strict';
  // Everything from the profile is inserted with textContent (never innerHTML): kernel names are untrusted text.
  var data = JSON.parse(document.getElementById('proflens-data').textContent);
  var MAX_NAME = 90;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fmtDuration(ns) {
    if (ns === null || ns === undefined) { return ''; }
    var a = Math.abs(ns);
    if (a >= 1e9) { return (ns / 1e9).toFixed(3) + ' s'; }
    if (a >= 1e6) { return (ns / 1e6).toFixed(3) + ' ms'; }
    if (a >= 1e3) { return (ns / 1e3).toFixed(1) + ' \u00b5s'; }
    return ns.toFixed(0) + ' ns';
  }
  function fmtNumber(v) {
    if (v === null || v === undefined) { return ''; }
    if (Number.isInteger(v)) { return v.toLocaleString('en-US'); }
    return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  function cellText(kind, v) {
    if (v === null || v === undefined) { return ''; }
    if (kind === 'DURATION') { return fmtDuration(Number(v)); }
    if (kind === 'PERCENT') { return Number(v).toFixed(1); }
    if (kind === 'TIMESTAMP' || kind === 'INTEGER') { return fmtNumber(Number(v)); }
    if (kind === 'NUMBER' || kind === 'BYTES_MB' || kind === 'THROUGHPUT_MBPS') { return fmtNumber(Number(v)); }
    return String(v);
  }
  function isNumeric(kind) { return kind !== 'TEXT'; }
  function shortName(s) {
    s = String(s);
    return s.length <= MAX_NAME ? s : s.substring(0, MAX_NAME - 1) + '\u2026';
  }

  // ---- capture summary
  var cap = data.capture;
  var dl = el('dl');
  function row(k, v) { if (v === null || v === undefined || v === '') { return; } dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); }
  row('File', cap.file);
  row('Producer', cap.producer + (cap.producerVersion ? ' ' + cap.producerVersion : '') + (cap.synthetic ? ' (SYNTHETIC)' : ''));
  if (cap.spanStartNs !== undefined) { row('Span', fmtDuration(cap.spanEndNs - cap.spanStartNs)); }
  row('Processes', cap.processes.map(function (p) { return (p.name || 'pid') + ' [' + p.pid + ']'; }).join(', '));
  row('GPUs', cap.gpus.map(function (g) { return g.id + ': ' + (g.name || '?') + (g.active ? '' : ' (idle)'); }).join(', '));
  row('Rows', Object.keys(cap.rows).map(function (k) { return k + ' ' + (cap.rows[k] < 0 ? '-' : cap.rows[k].toLocaleString('en-US')); }).join(', '));
  document.getElementById('capture').appendChild(dl);

  // ---- table of contents
  var toc = document.getElementById('toc');
  [['findings-section', 'Findings'], ['charts-section', 'Charts'], ['tables-section', 'Analyses'],
   ['stats-section', 'Stats'], ['issues-section', 'Import issues']].forEach(function (t) {
    var a = el('a', null, t[1]); a.href = '#' + t[0]; toc.appendChild(a);
  });

  // ---- findings
  var fdiv = document.getElementById('findings');
  var problems = data.findings.filter(function (f) { return f.severity === 'critical' || f.severity === 'warning' || f.severity === 'info'; });
  if (problems.length === 0) { fdiv.appendChild(el('p', null, 'No rule found a problem.')); }
  problems.forEach(function (f, i) {
    var card = el('div', 'finding ' + f.severity);
    var h = el('div');
    h.appendChild(el('span', 'sev', f.severity));
    h.appendChild(el('strong', null, (i + 1) + '. ' + f.title));
    h.appendChild(el('span', 'rid', f.ruleId));
    if (f.recoverableNs > 0) { h.appendChild(el('span', 'rid', 'could recover up to ' + fmtDuration(f.recoverableNs))); }
    card.appendChild(h);
    card.appendChild(el('div', 'summary', f.summary));
    var ul = el('ul');
    f.evidence.forEach(function (e) { var li = el('li'); li.appendChild(el('b', null, e.label + ': ')); li.appendChild(document.createTextNode(e.value)); ul.appendChild(li); });
    f.examples.forEach(function (x) { var li = el('li', null, 'example: ' + shortName(x)); li.title = x; ul.appendChild(li); });
    card.appendChild(ul);
    if (f.recommendation) { card.appendChild(el('div', 'rec', f.recommendation)); }
    fdiv.appendChild(card);
  });
  var rest = data.findings.filter(function (f) { return problems.indexOf(f) < 0; });
  if (rest.length) {
    var ul2 = el('ul', 'others');
    rest.forEach(function (f) { ul2.appendChild(el('li', null, '[' + f.severity + '] ' + f.ruleId + ': ' + f.summary)); });
    fdiv.appendChild(el('h3', null, 'Other rules'));
    fdiv.appendChild(ul2);
  }

  // ---- tables
  function tableByName(name) {
    for (var i = 0; i < data.tables.length; i++) { if (data.tables[i].name === name) { return data.tables[i]; } }
    return null;
  }
  function colIndex(t, label) {
    for (var i = 0; i < t.columns.length; i++) { if (t.columns[i].label === label) { return i; } }
    return -1;
  }
  function renderTable(t, parent) {
    parent.appendChild(el('h3', null, t.title + ' (' + t.name + ')'));
    if (t.skipped) { parent.appendChild(el('p', 'note', 'SKIPPED: ' + t.skipped)); return; }
    if (!t.rows.length) { parent.appendChild(el('p', 'note', 'No data.')); return; }
    var table = el('table', 'data');
    table.setAttribute('data-report', t.name);
    var thead = el('thead'); var tr = el('tr');
    t.columns.forEach(function (c, ci) {
      var th = el('th', null, c.label);
      th.addEventListener('click', function () { sortBy(table, t, ci, th); });
      tr.appendChild(th);
    });
    thead.appendChild(tr); table.appendChild(thead);
    var tbody = el('tbody'); table.appendChild(tbody);
    fill(tbody, t, t.rows);
    parent.appendChild(table);
    if (t.total > t.rows.length) { parent.appendChild(el('p', 'note', t.rows.length + ' of ' + t.total + ' rows')); }
  }
  function fill(tbody, t, rows) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (v, ci) {
        var kind = t.columns[ci].kind;
        var text = cellText(kind, v);
        var td = el('td', isNumeric(kind) ? 'num' : null, kind === 'TEXT' ? shortName(text) : text);
        if (kind === 'TEXT' && text.length > MAX_NAME) { td.title = text; }
        if (kind === 'DURATION' && v !== null) { td.title = v + ' ns'; }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }
  function sortBy(table, t, ci, th) {
    var asc = !th.classList.contains('sorted-asc');
    table.querySelectorAll('th').forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
    th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
    var num = isNumeric(t.columns[ci].kind);
    var rows = t.rows.slice().sort(function (a, b) {
      var x = a[ci], y = b[ci];
      if (x === null || x === undefined) { return 1; }
      if (y === null || y === undefined) { return -1; }
      var c = num ? Number(x) - Number(y) : String(x).localeCompare(String(y));
      return asc ? c : -c;
    });
    fill(table.querySelector('tbody'), t, rows);
  }
  var tdiv = document.getElementById('tables');
  var sdiv = document.getElementById('stats');
  data.tables.forEach(function (t) {
    if (t.group === 'analysis') { renderTable(t, tdiv); }
    if (t.group === 'stats') { renderTable(t, sdiv); }
  });

  // ---- import issues
  var idiv = document.getElementById('issues');
  if (!cap.importIssues.length) { idiv.appendChild(el('p', null, 'None.')); }
  cap.importIssues.forEach(function (i) { idiv.appendChild(el('p', null, i.severity.toUpperCase() + ' ' + i.code + ' x' + i.count + ': ' + i.message)); });

  // ---- charts (Apache ECharts, SVG renderer, no animation: the same input draws the same picture)
  var cdiv = document.getElementById('charts');
  var charts = [];
  function chartBox(title) {
    cdiv.appendChild(el('h3', null, title));
    var d = el('div', 'chart'); cdiv.appendChild(d);
    var c = echarts.init(d, null, { renderer: 'svg' });
    charts.push(c);
    return c;
  }
  var base = { animation: false, tooltip: {}, textStyle: { fontFamily: 'sans-serif' } };
  function opts(o) { var r = {}; Object.keys(base).forEach(function (k) { r[k] = base[k]; }); Object.keys(o).forEach(function (k) { r[k] = o[k]; }); return r; }

  var cats = tableByName('kernel_categories');
  if (cats && cats.rows.length) {
    var ci = colIndex(cats, 'Category'), ti = colIndex(cats, 'Total Time');
    chartBox('Kernel time by category').setOption(opts({
      tooltip: { trigger: 'item', formatter: function (p) { return p.name + ': ' + fmtDuration(p.value) + ' (' + p.percent + '%)'; } },
      legend: { type: 'scroll', orient: 'vertical', right: 10, top: 20 },
      series: [{ type: 'pie', radius: ['30%', '70%'], center: ['40%', '50%'],
        data: cats.rows.map(function (r) { return { name: String(r[ci]), value: Number(r[ti]) }; }) }]
    }));
  }
  var top = tableByName('top_kernels');
  if (top && top.rows.length) {
    var ni = colIndex(top, 'Name'), tt = colIndex(top, 'Total Time'), ki = colIndex(top, 'Category');
    var rows = top.rows.slice(0, 15).reverse();
    chartBox('Top kernels by GPU time').setOption(opts({
      grid: { left: 10, right: 40, top: 10, bottom: 30, containLabel: true },
      tooltip: { trigger: 'item', formatter: function (p) { return rows[p.dataIndex][ni] + '\n' + fmtDuration(p.value); } },
      xAxis: { type: 'value', axisLabel: { formatter: function (v) { return fmtDuration(v); } } },
      yAxis: { type: 'category', data: rows.map(function (r) { return shortName(r[ni]).substring(0, 48) + ' [' + r[ki] + ']'; }) },
      series: [{ type: 'bar', data: rows.map(function (r) { return Number(r[tt]); }) }]
    }));
  }
  var util = tableByName('gpu_utilization_over_time');
  if (util && util.rows.length) {
    var di = colIndex(util, 'GPU'), si = colIndex(util, 'Chunk Start'), bi = colIndex(util, 'Busy');
    var series = {};
    util.rows.forEach(function (r) { (series[r[di]] = series[r[di]] || []).push([Number(r[si]), Number(r[bi])]); });
    chartBox('GPU utilization over time (busy % per chunk)').setOption(opts({
      tooltip: { trigger: 'axis' }, legend: { top: 0 },
      grid: { left: 60, right: 30, top: 30, bottom: 40 },
      xAxis: { type: 'value', name: 'time', axisLabel: { formatter: function (v) { return fmtDuration(v); } }, scale: true },
      yAxis: { type: 'value', min: 0, max: 100, name: 'busy %' },
      series: Object.keys(series).sort().map(function (k) { return { name: k, type: 'line', step: 'end', showSymbol: false, data: series[k] }; })
    }));
  }
  var hist = tableByName('memcpy_size_histogram');
  if (hist && hist.rows.length) {
    var hd = colIndex(hist, 'Direction'), hs = colIndex(hist, 'Size'), hc = colIndex(hist, 'Count');
    var sizes = [], dirs = [];
    hist.rows.forEach(function (r) { if (sizes.indexOf(r[hs]) < 0) { sizes.push(r[hs]); } if (dirs.indexOf(r[hd]) < 0) { dirs.push(r[hd]); } });
    chartBox('Memory copies by direction and size').setOption(opts({
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 30, top: 30, bottom: 40 },
      xAxis: { type: 'category', data: sizes }, yAxis: { type: 'value', name: 'copies' },
      series: dirs.map(function (d) {
        return { name: d, type: 'bar', data: sizes.map(function (s) {
          var n = 0; hist.rows.forEach(function (r) { if (r[hd] === d && r[hs] === s) { n += Number(r[hc]); } }); return n; }) };
      })
    }));
  }
  var its = tableByName('iterations');
  if (its && its.rows.length) {
    var ix = colIndex(its, 'Index'), du = colIndex(its, 'Duration'), gb = colIndex(its, 'GPU Busy');
    var first = its.rows.filter(function (r) { return r[colIndex(its, 'PID')] === its.rows[0][colIndex(its, 'PID')]; });
    chartBox('Iterations: duration and GPU busy time').setOption(opts({
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 80, right: 30, top: 30, bottom: 40 },
      xAxis: { type: 'category', data: first.map(function (r) { return String(r[ix]); }) },
      yAxis: { type: 'value', axisLabel: { formatter: function (v) { return fmtDuration(v); } } },
      series: [{ name: 'duration', type: 'bar', data: first.map(function (r) { return Number(r[du]); }) },
               { name: 'GPU busy', type: 'bar', data: first.map(function (r) { return r[gb] === null ? 0 : Number(r[gb]); }) }]
    }));
  }
  if (!charts.length) { cdiv.appendChild(el('p', 'note', 'No GPU data to chart.')); }
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-rendered', 'true');
})();

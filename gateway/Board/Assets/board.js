// L402Train board: draws the page's charts with uPlot from the JSON the server embedded, and every
// few seconds re-reads the page to refresh its live parts (tables, figures) and charts. Without
// JavaScript the page still reads: every chart's numbers are in a table.
(function () {
  'use strict';
  const palette = ['#0645ad', '#b35900', '#0b6e2e', '#6b2fa3'];
  const charts = {};
  window.l402board = { charts: charts, refreshes: 0 };

  function readData(doc) {
    const el = doc.getElementById('board-charts');
    return el ? JSON.parse(el.textContent) : {};
  }

  function columns(spec) {
    return [spec.x].concat(spec.series.map(function (s) { return s.values; }));
  }

  function draw(data) {
    Object.keys(data).forEach(function (name) {
      const spec = data[name];
      const figure = document.querySelector('[data-chart="' + name + '"]');
      if (!figure) return;
      const target = figure.querySelector('.chart');
      if (charts[name]) {
        charts[name].setData(columns(spec));
      } else {
        const options = {
          width: Math.max(320, target.clientWidth || 640),
          height: 260,
          scales: { x: { time: spec.time === true } },
          // Rounds and ranks are whole numbers: no ticks between them.
          axes: [spec.time ? { label: spec.xLabel } : { label: spec.xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
            { label: spec.yLabel }],
          series: [{ label: spec.xLabel }].concat(spec.series.map(function (s, i) {
            return { label: s.label, stroke: palette[i % palette.length], width: 2, points: { show: true, size: 6 } };
          })),
        };
        target.textContent = '';
        charts[name] = new uPlot(options, columns(spec), target);
      }
      figure.dataset.points = String(spec.x.length);
    });
  }

  async function refresh() {
    try {
      const response = await fetch(location.href, { headers: { Accept: 'text/html' }, cache: 'no-store' });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
      document.querySelectorAll('[data-live]').forEach(function (el) {
        const next = fresh.getElementById(el.id);
        if (next) el.innerHTML = next.innerHTML;
      });
      draw(readData(fresh));
      window.l402board.refreshes++;
      const stamp = document.getElementById('updated');
      if (stamp) stamp.textContent = 'Updated ' + new Date().toLocaleTimeString() + '.';
    } catch (e) {
      // The coordinator may be restarting: try again at the next tick.
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    draw(readData(document));
    const seconds = Number(document.body.dataset.refreshSeconds || '5');
    setInterval(refresh, seconds * 1000);
  });
})();

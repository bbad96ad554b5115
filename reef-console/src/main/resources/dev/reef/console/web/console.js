// The Reef console's page. Every text that comes from agents or spores is set with textContent,
// never as HTML: a knowledge holding <script> shows as text.
'use strict';
(function () {
  const MAX_FLOW_ROWS = 200;
  const SPARK_POINTS = 40;
  const MAX_SPARKS = 12;
  const MAX_TRACKED_SENDERS = 200;

  const stats = {
    batches: 0, rows: 0, skipped: 0, seen: 0, dropped: 0,
    renderTotalMs: 0, renderMaxMs: 0, lagMaxMs: 0, lastBatchAt: 0, agentsRenders: 0, agentsRenderMaxMs: 0
  };
  window.reefConsoleStats = stats;

  const MAX_TASK_ROWS = 200;

  const state = { channel: null, source: null, flow: true, agents: new Map(), agentData: new Map(),
    senders: new Map(), view: 'agents', deadLetters: -1, tasks: new Map(), taskRows: new Map(),
    selectedTask: null, tasksOn: true };

  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function time(ms) {
    return ms ? new Date(ms).toISOString().substring(11, 23) : '';
  }

  function ago(ms) {
    if (!ms) return '';
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  }

  function message(text, error) {
    const m = $('message');
    m.textContent = text;
    m.className = error ? 'message error' : 'message';
    m.hidden = false;
  }

  async function get(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(r.status + ': ' + (body.error || r.statusText));
    return body;
  }

  async function post(path, payload) {
    const headers = { 'Content-Type': 'application/json' };
    const token = $('token').value;
    if (token) headers['X-Reef-Console-Token'] = token;
    const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(payload) });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(r.status + ': ' + (body.error || r.statusText));
    return body;
  }

  function confirmThen(text, fn) {
    $('confirm-text').textContent = text;
    $('confirm').hidden = false;
    const ok = $('confirm-ok');
    const cancel = $('confirm-cancel');
    const done = () => { $('confirm').hidden = true; ok.onclick = null; cancel.onclick = null; };
    ok.onclick = () => { done(); fn(); };
    cancel.onclick = done;
  }

  // ---- agents ----

  function agentCard(a) {
    const card = el('div', 'card');
    card.dataset.agent = a.name;
    const h = el('h3');
    h.append(el('span', 'name', a.name), el('span', 'state'));
    card.append(h, el('div', 'kind'), el('div', 'caps'), el('div', 'desc'));
    const dl = el('dl');
    for (const f of ['instances', 'mailbox', 'consumers', 'last seen']) {
      dl.append(el('dt', null, f), el('dd', 'f-' + f.replace(' ', '-')));
    }
    const term = el('button', 'terminate danger', 'Terminate');
    term.onclick = () => confirmThen('Terminate agent ' + a.name + ' on ' + state.channel + ' for good?', async () => {
      try {
        await post('api/agents/terminate', { channel: state.channel, agent: a.name });
        message('terminated ' + a.name);
      } catch (e) { message('terminate failed: ' + e.message, true); }
    });
    card.append(dl, term);
    return card;
  }

  function fillCard(card, a) {
    card.className = 'card ' + a.state;
    card.querySelector('.state').textContent = a.state;
    card.querySelector('.kind').textContent = a.kind + (a.version ? ' · v' + a.version : '');
    const caps = card.querySelector('.caps');
    caps.replaceChildren(...a.capabilities.map((c) => el('span', 'cap', c)));
    card.querySelector('.desc').textContent = a.description || '';
    card.querySelector('.f-instances').textContent = a.instanceCount +
      (a.instances.length ? ' (' + a.instances.map((i) => i.host + ':' + i.pid).join(', ') + ')' : '');
    card.querySelector('.f-mailbox').textContent = a.mailboxDepth == null ? '…' : a.mailboxDepth < 0 ? 'none' : a.mailboxDepth;
    card.querySelector('.f-consumers').textContent = a.consumers == null ? '…' : a.consumers < 0 ? '-' : a.consumers;
    card.querySelector('.f-last-seen').textContent = a.state === 'ACTIVE' ? 'live (lease held)' : a.lastSeen ? ago(a.lastSeen) : '-';
    card.querySelector('.terminate').hidden = a.state === 'TERMINATED';
  }

  // full: the whole list (replaces the cards); otherwise the changed agents and the names gone.
  function renderAgents(list, removed, full) {
    const t0 = performance.now();
    const grid = $('agents');
    let added = false;
    const seen = full ? new Set() : null;
    for (const a of list) {
      if (seen) seen.add(a.name);
      let card = state.agents.get(a.name);
      if (!card) { card = agentCard(a); state.agents.set(a.name, card); added = true; }
      state.agentData.set(a.name, a);
      fillCard(card, a);
      filterCard(card, a);
    }
    const gone = full ? [...state.agents.keys()].filter((n) => !seen.has(n)) : (removed || []);
    for (const name of gone) {
      const card = state.agents.get(name);
      if (card) card.remove();
      state.agents.delete(name);
      state.agentData.delete(name);
    }
    if (added) {
      const frag = document.createDocumentFragment();
      for (const name of [...state.agents.keys()].sort()) frag.append(state.agents.get(name));
      grid.replaceChildren(frag);
    }
    let active = 0;
    for (const a of state.agentData.values()) if (a.state === 'ACTIVE') active++;
    $('agents-summary').textContent = state.agents.size + ' agents, ' + active + ' active';
    const ms = performance.now() - t0;
    stats.agentsRenders++;
    stats.agentsRenderMaxMs = Math.max(stats.agentsRenderMaxMs, ms);
  }

  function agentText(a) {
    return (a.name + ' ' + a.kind + ' ' + a.capabilities.join(' ') + ' ' + a.state).toLowerCase();
  }

  function filterCard(card, a) {
    const f = $('agents-filter').value.trim().toLowerCase();
    card.hidden = f !== '' && !agentText(a).includes(f);
  }

  function filterAgents() {
    for (const [name, card] of state.agents) filterCard(card, state.agentData.get(name));
  }

  // ---- flow ----

  function flowRow(r) {
    const tr = el('tr');
    tr.dataset.search = (r.type + ' ' + r.from + ' ' + r.to + ' ' + r.excerpt).toLowerCase();
    tr.append(
      el('td', null, time(r.seenAt)),
      el('td', 'type', r.type),
      el('td', 'route', r.from + ' → ' + r.to),
      el('td', null, r.priority),
      el('td', null, r.size + ' B'),
      el('td', null, r.createdAt ? Math.max(0, r.seenAt - r.createdAt) + ' ms' : ''),
      el('td', 'excerpt', r.excerpt));
    return tr;
  }

  // Rows arriving while the Flow view is hidden wait here (the newest MAX_FLOW_ROWS), not in the DOM.
  let pendingRows = [];

  function addFlowRows(rows) {
    if (!rows.length) return;
    if (state.view !== 'flow') {
      pendingRows = pendingRows.concat(rows).slice(-MAX_FLOW_ROWS);
      return;
    }
    const body = $('flow').tBodies[0];
    const f = $('flow-filter').value.trim().toLowerCase();
    const frag = document.createDocumentFragment();
    for (let i = rows.length - 1; i >= 0 && i >= rows.length - MAX_FLOW_ROWS; i--) {
      const tr = flowRow(rows[i]);
      if (f && !tr.dataset.search.includes(f)) tr.hidden = true;
      frag.append(tr);
    }
    body.prepend(frag);
    while (body.rows.length > MAX_FLOW_ROWS) body.deleteRow(body.rows.length - 1);
  }

  function filterFlow() {
    const f = $('flow-filter').value.trim().toLowerCase();
    for (const tr of $('flow').tBodies[0].rows) tr.hidden = f !== '' && !tr.dataset.search.includes(f);
  }

  function updateSenders(rates) {
    for (const [name, n] of Object.entries(rates)) {
      if (!state.senders.has(name)) {
        if (state.senders.size >= MAX_TRACKED_SENDERS) continue;
        state.senders.set(name, []);
      }
    }
    for (const [name, points] of state.senders) {
      points.push(rates[name] || 0);
      if (points.length > SPARK_POINTS) points.shift();
      if (points.every((p) => p === 0) && points.length === SPARK_POINTS) state.senders.delete(name);
    }
  }

  function drawSparks(batchMillis) {
    const top = [...state.senders.entries()]
      .map(([name, p]) => [name, p, p.reduce((a, b) => a + b, 0)])
      .sort((a, b) => b[2] - a[2]).slice(0, MAX_SPARKS);
    const box = $('sparklines');
    const perSecond = 1000 / batchMillis;
    const items = top.map(([name, points]) => {
      const d = el('div', 'spark');
      d.dataset.agent = name;
      const c = document.createElement('canvas');
      c.width = 120; c.height = 24;
      const g = c.getContext('2d');
      const max = Math.max(1, ...points);
      g.strokeStyle = '#0b3d5c';
      g.beginPath();
      points.forEach((p, i) => {
        const x = (i / (SPARK_POINTS - 1)) * 119;
        const y = 23 - (p / max) * 22;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
      const last = points.length ? points[points.length - 1] * perSecond : 0;
      d.append(el('span', 'spark-name', name), c, el('span', 'spark-rate', Math.round(last) + '/s'));
      return d;
    });
    box.replaceChildren(...items);
  }

  // ---- dead letters ----

  async function loadDeadLetters() {
    try {
      const d = await get('api/deadletters?channel=' + encodeURIComponent(state.channel));
      state.deadLetters = d.count;
      $('dl-badge').textContent = d.count > 0 ? d.count : '';
      $('dl-summary').textContent = d.count + ' dead letters on ' + state.channel +
        (d.count > d.items.length ? ' (showing the oldest ' + d.items.length + ')' : '');
      const body = $('deadletters').tBodies[0];
      body.replaceChildren(...d.items.map(deadLetterRow));
    } catch (e) { message('cannot list dead letters: ' + e.message, true); }
  }

  function deadLetterRow(d) {
    const tr = el('tr');
    tr.dataset.id = d.id;
    const actions = el('td');
    const inspect = el('button', 'inspect', 'Inspect');
    inspect.onclick = () => inspectDeadLetter(d.id);
    const replay = el('button', 'replay', 'Replay');
    replay.onclick = async () => {
      try {
        await post('api/deadletters/replay', { channel: state.channel, id: d.id });
        message('replayed ' + d.id + ' to ' + (d.agent || 'its original route'));
        loadDeadLetters();
      } catch (e) { message('replay failed: ' + e.message, true); }
    };
    actions.append(inspect, replay);
    tr.append(el('td', null, d.id), el('td', null, d.agent || '-'), el('td', null, d.type || '?'),
      el('td', null, (d.from || '?') + ' → ' + (d.to || '?')), el('td', 'reason', d.reason),
      el('td', 'error', d.error || ''), el('td', null, d.attempts), actions);
    return tr;
  }

  async function inspectDeadLetter(id) {
    try {
      const d = await get('api/deadletters/spore?channel=' + encodeURIComponent(state.channel) + '&id=' + encodeURIComponent(id));
      $('dl-inspect-id').textContent = d.id;
      const fields = $('dl-inspect-fields');
      fields.replaceChildren();
      for (const k of ['agent', 'type', 'from', 'to', 'priority', 'reason', 'error', 'attempts', 'createdAt', 'expiresAt', 'replyTo', 'correlationId', 'traceId']) {
        let v = d[k];
        if (v === undefined || v === null) continue;
        if (k === 'createdAt' || k === 'expiresAt') v = new Date(v).toISOString();
        fields.append(el('dt', null, k), el('dd', null, v));
      }
      $('dl-knowledge').textContent = d.knowledge == null ? '(none)' : d.knowledge;
      $('dl-metadata').textContent = d.metadata == null ? '(none)' : d.metadata;
      $('dl-inspect').hidden = false;
    } catch (e) { message('cannot inspect: ' + e.message, true); }
  }

  // ---- tasks ----

  function pct(p) {
    return Math.round((p || 0) * 100) + '%';
  }

  function bar(p) {
    const b = document.createElement('progress');
    b.max = 1;
    b.value = p || 0;
    return b;
  }

  function taskRow(t) {
    const tr = el('tr');
    tr.dataset.task = t.id;
    const barCell = el('td', 'bar');
    barCell.append(bar(t.progress), el('span', 'pct'));
    const actions = el('td');
    const cancel = el('button', 'cancel danger', 'Cancel');
    cancel.onclick = (ev) => {
      ev.stopPropagation();
      confirmThen('Cancel task ' + t.id + ' on ' + state.channel + '?', async () => {
        try {
          await post('api/tasks/cancel', { channel: state.channel, id: t.id });
          message('cancel requested for ' + t.id);
        } catch (e) { message('cancel failed: ' + e.message, true); }
      });
    };
    actions.append(cancel);
    tr.append(el('td', 'tid'), el('td', 'tstate'), el('td', 'agent'), barCell, el('td', 'components'),
      el('td', 'detail'), el('td', 'elapsed'), actions);
    tr.onclick = () => selectTask(t.id);
    return tr;
  }

  function fillTask(tr, t) {
    tr.querySelector('.tid').textContent = t.id;
    tr.querySelector('.tid').title = t.id;
    const st = tr.querySelector('.tstate');
    st.textContent = t.state + (t.cancelRequested && !t.terminal ? ' (cancel asked)' : '') + (t.attempt > 1 ? ' #' + t.attempt : '');
    st.className = 'tstate ' + t.state;
    tr.dataset.state = t.state;
    tr.querySelector('.agent').textContent = t.agent || (t.capability ? '[' + t.capability + ']' : '-');
    tr.querySelector('.bar progress').value = t.progress;
    tr.querySelector('.pct').textContent = pct(t.progress);
    tr.querySelector('.components').replaceChildren(...t.components.map((c) => {
      const s = el('span', 'comp');
      s.dataset.component = c.name;
      s.title = c.name + ' ' + pct(c.progress) + (c.message ? ': ' + c.message : '');
      s.append(el('span', null, c.name), bar(c.progress));
      return s;
    }));
    tr.querySelector('.detail').textContent = [t.stage, t.error || t.message].filter((x) => x).join(' · ');
    tr.querySelector('.elapsed').textContent = (t.elapsedMillis / 1000).toFixed(1) + ' s';
    tr.querySelector('.cancel').hidden = t.terminal;
    tr.dataset.search = (t.id + ' ' + (t.agent || '') + ' ' + (t.capability || '') + ' ' + t.state).toLowerCase();
    const f = $('tasks-filter').value.trim().toLowerCase();
    tr.hidden = f !== '' && !tr.dataset.search.includes(f);
  }

  // full: the whole list (newest first) replaces the rows; otherwise the tasks that changed.
  function renderTasks(list, full) {
    const body = $('tasks').tBodies[0];
    if (full) { state.tasks.clear(); state.taskRows.clear(); body.replaceChildren(); }
    const fresh = [];
    for (const t of list) {
      state.tasks.set(t.id, t);
      let tr = state.taskRows.get(t.id);
      if (!tr) { tr = taskRow(t); state.taskRows.set(t.id, tr); fresh.push(tr); }
      fillTask(tr, t);
    }
    if (fresh.length) {
      if (full) body.append(...fresh); else body.prepend(...fresh);
    }
    while (body.rows.length > MAX_TASK_ROWS) {
      const last = body.rows[body.rows.length - 1];
      state.tasks.delete(last.dataset.task); state.taskRows.delete(last.dataset.task);
      last.remove();
    }
    let running = 0;
    for (const t of state.tasks.values()) if (!t.terminal) running++;
    $('tasks-badge').textContent = running > 0 ? running : '';
    $('tasks-summary').textContent = state.tasks.size + ' recent tasks, ' + running + ' running';
    if (state.selectedTask && list.some((t) => t.id === state.selectedTask)) loadTimeline(state.selectedTask);
  }

  function filterTasks() {
    const f = $('tasks-filter').value.trim().toLowerCase();
    for (const tr of $('tasks').tBodies[0].rows) tr.hidden = f !== '' && !tr.dataset.search.includes(f);
  }

  function selectTask(id) {
    state.selectedTask = id;
    for (const [tid, tr] of state.taskRows) tr.classList.toggle('selected', tid === id);
    loadTimeline(id);
  }

  async function loadTimeline(id) {
    try {
      const d = await get('api/tasks/timeline?channel=' + encodeURIComponent(state.channel) + '&id=' + encodeURIComponent(id));
      if (state.selectedTask !== id) return;
      $('timeline-id').textContent = d.task.id;
      $('timeline-state').textContent = d.task.state;
      const body = $('timeline').tBodies[0];
      body.replaceChildren(...d.events.map((e) => {
        const tr = el('tr');
        tr.dataset.type = e.type;
        const detail = [e.stage, e.component, e.reason, e.message].filter((x) => x).join(' · ');
        tr.append(el('td', null, time(e.at)), el('td', 'etype', e.type), el('td', null, e.attempt),
          el('td', null, e.agent || ''), el('td', null, e.progress == null ? '' : pct(e.progress)),
          el('td', 'edetail', detail));
        return tr;
      }));
      $('task-timeline').hidden = false;
    } catch (e) { message('cannot show the task: ' + e.message, true); }
  }

  async function loadTasks() {
    try {
      const d = await get('api/tasks?channel=' + encodeURIComponent(state.channel));
      renderTasks(d.tasks, true);
      $('tasks-off').hidden = true;
    } catch (e) {
      state.tasksOn = false;
      $('tasks-off').hidden = false;
    }
  }

  // ---- events ----

  function onBatch(ev) {
    const t0 = performance.now();
    const b = JSON.parse(ev.data);
    stats.batches++;
    stats.rows += b.rows.length;
    stats.skipped += b.skipped;
    stats.seen = b.seen;
    stats.lastBatchAt = Date.now();
    if (b.agents || b.agentsRemoved) renderAgents(b.agents || [], b.agentsRemoved, false);
    if (b.tasks) renderTasks(b.tasks, false);
    addFlowRows(b.rows);
    updateSenders(b.rates);
    if (state.view === 'flow') drawSparks(state.batchMillis);
    let perBatch = 0;
    for (const n of Object.values(b.rates)) perBatch += n;
    $('flow-summary').textContent = b.seen + ' spores seen · ' + Math.round(perBatch * 1000 / state.batchMillis) +
      '/s now · ' + stats.skipped + ' not listed (rates count them)';
    if (b.deadLetters !== undefined) {
      $('dl-badge').textContent = b.deadLetters > 0 ? b.deadLetters : '';
      if (b.deadLetters !== state.deadLetters && state.view === 'deadletters') loadDeadLetters();
      state.deadLetters = b.deadLetters;
    }
    const ms = performance.now() - t0;
    stats.renderTotalMs += ms;
    stats.renderMaxMs = Math.max(stats.renderMaxMs, ms);
  }

  function connect() {
    if (state.source) state.source.close();
    const s = new EventSource('api/events?channel=' + encodeURIComponent(state.channel));
    s.addEventListener('batch', onBatch);
    s.addEventListener('dropped', (e) => { stats.dropped = Number(e.data); });
    s.onopen = () => { $('live').textContent = 'live'; $('live').className = 'badge on'; };
    s.onerror = () => { $('live').textContent = 'reconnecting'; $('live').className = 'badge off'; };
    state.source = s;
  }

  async function selectChannel(channel) {
    state.channel = channel;
    state.agents.clear(); state.agentData.clear(); state.senders.clear();
    $('agents').replaceChildren();
    $('flow').tBodies[0].replaceChildren();
    pendingRows = [];
    $('dl-inspect').hidden = true;
    $('task-timeline').hidden = true;
    state.selectedTask = null;
    try {
      const [agents, flow] = await Promise.all([
        get('api/agents?channel=' + encodeURIComponent(channel)),
        get('api/flow?channel=' + encodeURIComponent(channel))]);
      renderAgents(agents.agents, null, true);
      $('flow-off').hidden = flow.flow;
      addFlowRows(flow.rows);
    } catch (e) { message(e.message, true); }
    if (state.tasksOn) await loadTasks();
    connect();
    if (state.view === 'deadletters') loadDeadLetters();
  }

  function show(view) {
    state.view = view;
    for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.view === view);
    for (const v of ['agents', 'flow', 'tasks', 'deadletters']) $('view-' + v).hidden = v !== view;
    if (view === 'deadletters') loadDeadLetters();
    if (view === 'flow') {
      const rows = pendingRows;
      pendingRows = [];
      addFlowRows(rows);
      drawSparks(state.batchMillis);
    }
  }

  // How late the page's event loop runs a 100 ms timer: the page's responsiveness.
  let expected = performance.now() + 100;
  setInterval(() => {
    const now = performance.now();
    stats.lagMaxMs = Math.max(stats.lagMaxMs, now - expected);
    expected = now + 100;
  }, 100);

  async function start() {
    for (const b of document.querySelectorAll('.tab')) b.onclick = () => show(b.dataset.view);
    $('agents-filter').oninput = filterAgents;
    $('flow-filter').oninput = filterFlow;
    $('tasks-filter').oninput = filterTasks;
    $('dl-refresh').onclick = loadDeadLetters;
    $('dl-purge').onclick = () => confirmThen('Purge every dead letter of ' + state.channel + '?', async () => {
      try {
        const r = await post('api/deadletters/purge', { channel: state.channel });
        message('purged ' + r.purged + ' dead letters');
        loadDeadLetters();
      } catch (e) { message('purge failed: ' + e.message, true); }
    });
    const o = await get('api/overview');
    state.batchMillis = o.batchMillis;
    state.tasksOn = o.tasks;
    $('tasks-off').hidden = o.tasks;
    $('broker').textContent = o.broker;
    const select = $('channel');
    select.replaceChildren(...o.channels.map((c) => { const op = el('option', null, c); op.value = c; return op; }));
    select.onchange = () => selectChannel(select.value);
    await selectChannel(o.channels[0]);
    document.body.dataset.ready = 'true';
  }

  start().catch((e) => message('cannot start: ' + e.message, true));
})();

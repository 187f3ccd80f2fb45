// Node.js peer of the queue benchmarks: the subset of Zaqar's v2 HTTP API that the workloads
// use (ping, queue put/delete, message post/list/get/delete, claim create/release), in memory,
// on Node's stock `http` module, one process. Written for the comparison the way a small Node
// service would be: plain objects and Maps, JSON.parse/stringify, no framework. Not a product:
// no TTL reaper, no limits beyond the basic validation, claims scan from the queue's head.
//
// usage: node node_queue.js PORT [FAULTS]     (listens on 127.0.0.1 only)
//   FAULTS (for testing the history checker; comma-separated):
//     lose:N       acknowledge every Nth posted message without storing it
//     double:N     every Nth claim also takes one message another live claim holds
//     early        claims ignore message delays
//     undead:N     acknowledge every Nth delete without deleting
'use strict';
const http = require('http');
const crypto = require('crypto');

const port = Number(process.argv[2] || 0);
const faults = {};
for (const f of (process.argv[3] || '').split(',').filter(Boolean)) {
  const [name, n] = f.split(':');
  faults[name] = {every: Number(n || 1), seen: 0};
}
// True on every Nth call for an active fault.
function fault(name) {
  const f = faults[name];
  if (!f) return false;
  f.seen += 1;
  return f.seen % f.every === 0;
}
const queues = new Map();  // "project/queue" -> {msgs: Map id -> msg, meta: {}, claims: Map}
let counter = 0;

function newId() {
  counter += 1;
  return counter.toString(16).padStart(24, '0');
}

function queueOf(project, name, create) {
  const key = project + '/' + name;
  let q = queues.get(key);
  if (!q && create) {
    q = {msgs: new Map(), meta: {}, claims: new Map()};
    queues.set(key, q);
  }
  return q;
}

function send(res, status, body, headers) {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, Object.assign({'Content-Type': 'application/json',
                                       'Content-Length': Buffer.byteLength(text)}, headers));
  res.end(text);
}

function error(res, status, title, description) {
  send(res, status, {title, description});
}

function now() { return Date.now() / 1000; }

function live(m, t) { return m.expires > t; }
function claimed(m, t) { return m.claim !== null && m.claimExpires > t; }

function view(name, m, t) {
  let href = '/v2/queues/' + name + '/messages/' + m.id;
  if (m.claim !== null) href += '?claim_id=' + m.claim;
  return {id: m.id, href, ttl: m.ttl, age: Math.floor(t - m.created), body: m.body};
}

function handle(req, res, body, url) {
  const path = url.pathname;
  if (path === '/v2/ping') return send(res, 204);
  const clientId = req.headers['client-id'];
  const project = req.headers['x-project-id'];
  if (!clientId) return error(res, 400, 'Missing header value', 'The "Client-ID" header is required.');
  if (project === undefined) return error(res, 400, 'Project-Id Missing', 'The header X-PROJECT-ID was missing');
  const parts = path.split('/');  // ['', 'v2', 'queues', name, sub, id]
  if (parts[1] !== 'v2' || parts[2] !== 'queues' || !parts[3]) return error(res, 404, '404 Not Found');
  const name = parts[3];
  if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(name)) {
    return error(res, 400, 'Invalid queue identification',
                 'The format of the submitted queue name or project id is not valid.');
  }
  const t = now();
  const m = req.method;
  if (parts.length === 4) {
    if (m === 'PUT') {
      if (queueOf(project, name, false)) return send(res, 204);
      const q = queueOf(project, name, true);
      if (body) q.meta = JSON.parse(body);
      return send(res, 201, undefined, {Location: path});
    }
    if (m === 'DELETE') {
      queues.delete(project + '/' + name);
      return send(res, 204);
    }
    if (m === 'GET') {
      const q = queueOf(project, name, false);
      return send(res, 200, q ? q.meta : {});
    }
    return error(res, 405, '405 Method Not Allowed');
  }
  if (parts[4] === 'messages' && parts.length === 5) {
    if (m === 'POST') {
      const doc = JSON.parse(body);
      if (!doc || !Array.isArray(doc.messages) || doc.messages.length === 0) {
        return error(res, 400, 'Invalid request body', 'No messages were found in the request body.');
      }
      const q = queueOf(project, name, true);
      const delayQueue = Boolean(q.meta._default_message_delay);
      const ids = [];
      for (const msg of doc.messages) {
        if (!('body' in msg)) return error(res, 400, 'Invalid request body', 'Missing "body" field.');
        const ttl = msg.ttl || q.meta._default_message_ttl || 3600;
        const delay = delayQueue ? (msg.delay !== undefined ? msg.delay : q.meta._default_message_delay) : 0;
        const id = newId();
        if (fault('lose')) {
          ids.push('/v2/queues/' + name + '/messages/' + id);
          continue;
        }
        q.msgs.set(id, {id, body: msg.body, ttl, created: t, expires: t + ttl, delayUntil: t + delay,
                        client: clientId, claim: null, claimExpires: 0, claimCount: 0});
        ids.push('/v2/queues/' + name + '/messages/' + id);
      }
      return send(res, 201, {resources: ids}, {Location: path + '?ids=' + ids.map(i => i.split('/').pop()).join(',')});
    }
    if (m === 'GET') {
      const q = queueOf(project, name, false);
      const limit = Number(url.searchParams.get('limit') || 10);
      const marker = url.searchParams.get('marker') || '';
      const echo = url.searchParams.get('echo') === 'true';
      const includeClaimed = url.searchParams.get('include_claimed') === 'true';
      const includeDelayed = url.searchParams.get('include_delayed') === 'true' ||
        !(q && q.meta._default_message_delay);
      const out = [];
      if (q) {
        for (const msg of q.msgs.values()) {
          if (out.length >= limit) break;
          if (msg.id <= marker || !live(msg, t)) continue;
          if (!echo && msg.client === clientId) continue;
          if (!includeClaimed && claimed(msg, t)) continue;
          if (!includeDelayed && msg.delayUntil > t) continue;
          out.push(view(name, msg, t));
        }
      }
      const links = out.length === 0 ? [] : [{rel: 'next', href: path + '?limit=' + limit +
        (echo ? '&echo=true' : '') + (includeClaimed ? '&include_claimed=true' : '') +
        '&marker=' + out[out.length - 1].id}];
      return send(res, 200, {messages: out, links});
    }
    if (m === 'DELETE') {
      const q = queueOf(project, name, false);
      const ids = (url.searchParams.get('ids') || '').split(',').filter(Boolean);
      if (q) for (const id of ids) q.msgs.delete(id);
      return send(res, 204);
    }
    return error(res, 405, '405 Method Not Allowed');
  }
  if (parts[4] === 'messages' && parts.length === 6) {
    const q = queueOf(project, name, false);
    const msg = q && q.msgs.get(parts[5]);
    if (m === 'GET') {
      if (!msg || !live(msg, t)) return error(res, 404, 'Not found', 'Message does not exist');
      return send(res, 200, view(name, msg, t));
    }
    if (m === 'DELETE') {
      if (!msg) return send(res, 204);
      const claimId = url.searchParams.get('claim_id');
      if (claimed(msg, t)) {
        if (!claimId) return error(res, 403, 'Unable to delete', 'This message is claimed; it cannot be deleted without a valid claim ID.');
        if (claimId !== msg.claim) return error(res, 403, 'Unable to delete', 'The specified claim does not exist or has expired.');
      } else if (claimId) {
        return error(res, 400, 'Unable to delete', 'A claim was specified, but the message is not currently claimed.');
      }
      if (fault('undead')) {
        msg.claim = null;  // forgets the claim, keeps the message
        return send(res, 204);
      }
      q.msgs.delete(msg.id);
      return send(res, 204);
    }
    return error(res, 405, '405 Method Not Allowed');
  }
  if (parts[4] === 'claims') {
    const q = queueOf(project, name, false);
    if (parts.length === 5 && m === 'POST') {
      const limit = Number(url.searchParams.get('limit') || 10);
      const opts = body ? JSON.parse(body) : {};
      const ttl = opts.ttl || 300;
      const grace = opts.grace || 60;
      if (!q) return send(res, 204);
      const maxClaims = q.meta._max_claim_count;
      const dlq = q.meta._dead_letter_queue;
      const cid = crypto.randomUUID();
      const got = [];
      let steal = fault('double');
      const early = Boolean(faults.early);
      for (const msg of q.msgs.values()) {
        if (got.length >= limit) break;
        if (steal && live(msg, t) && claimed(msg, t)) {
          steal = false;
        } else if (!live(msg, t) || claimed(msg, t) || (!early && msg.delayUntil > t)) {
          continue;
        }
        if (maxClaims && dlq && msg.claimCount >= maxClaims) {
          q.msgs.delete(msg.id);
          const d = queueOf(project, dlq, true);
          msg.claim = null;
          d.msgs.set(msg.id, msg);
          continue;
        }
        msg.claim = cid;
        msg.claimExpires = t + ttl;
        msg.claimCount += 1;
        if (msg.expires < t + ttl + grace) msg.expires = t + ttl + grace;
        got.push(view(name, msg, t));
      }
      if (got.length === 0) return send(res, 204);
      q.claims.set(cid, {ids: got.map(g => g.id), expires: t + ttl, ttl, created: t});
      return send(res, 201, {messages: got}, {Location: path + '/' + cid});
    }
    if (parts.length === 6) {
      const cid = parts[5];
      const c = q && q.claims.get(cid);
      if (m === 'DELETE') {
        if (c) {
          for (const id of c.ids) {
            const msg = q.msgs.get(id);
            if (msg && msg.claim === cid) msg.claim = null;
          }
          q.claims.delete(cid);
        }
        return send(res, 204);
      }
      if (!c || c.expires <= t) return error(res, 404, 'Not found', 'Claim does not exist');
      if (m === 'GET') {
        const msgs = c.ids.map(id => q.msgs.get(id)).filter(x => x && x.claim === cid).map(x => view(name, x, t));
        return send(res, 200, {age: Math.floor(t - c.created), ttl: c.ttl, messages: msgs, href: path});
      }
      if (m === 'PATCH') {
        const opts = JSON.parse(body || '{}');
        c.ttl = opts.ttl || 300;
        c.expires = t + c.ttl;
        for (const id of c.ids) {
          const msg = q.msgs.get(id);
          if (msg && msg.claim === cid) msg.claimExpires = c.expires;
        }
        return send(res, 204);
      }
    }
    return error(res, 405, '405 Method Not Allowed');
  }
  return error(res, 404, '404 Not Found');
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length ? Buffer.concat(chunks).toString() : '';
    try {
      handle(req, res, body, new URL(req.url, 'http://x'));
    } catch (e) {
      error(res, 400, 'Invalid request body', 'Request body could not be parsed.');
    }
  });
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 130000;
server.maxRequestsPerSocket = 0;
server.listen({host: '127.0.0.1', port, backlog: 4096}, () => {
  console.log('listening ' + server.address().port);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));

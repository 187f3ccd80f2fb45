// Node.js peer of the WebSocket broadcast benchmark (`warren bench broadcast`): a broadcast
// server on the npm `ws` package (Debian's node-ws) that speaks the slice of Zaqar's WebSocket
// protocol the benchmark uses, written the way a small Node service would be: plain objects,
// JSON.parse/stringify, one ws.send() per subscriber per message. It keeps no messages: it only
// broadcasts (Warren also stores every message in its queue).
//
//   subscription_create  -> subscribes the socket to body.queue_name (201)
//   message_post         -> replies 201 with ids, then sends each message to every subscriber
//                           of the queue as Zaqar's notification {"ttl","body","Message_Type",
//                           "queue_name"}
//   queue_purge          -> 204 (nothing is stored)
//   anything else        -> 400
//
// usage: node node_broadcast.js PORT        (listens on 127.0.0.1 only)
'use strict';
let WebSocket;
try {
  WebSocket = require('ws');
} catch (e) {
  WebSocket = require('/usr/share/nodejs/ws');  // Debian's node-ws outside Node's search path
}

const port = Number(process.argv[2] || 9000);
const queues = new Map();  // "project/queue" -> Set of sockets
let counter = 0;

function reply(ws, request, status, body) {
  const echo = {action: request.action, body: request.body || {}, headers: request.headers || {},
                api: 'v2'};
  ws.send(JSON.stringify({request: echo, body: body, headers: {status: status}}));
}

function subscribers(request, create) {
  const project = (request.headers || {})['X-Project-ID'] || '';
  const key = project + '/' + ((request.body || {}).queue_name || '');
  let set = queues.get(key);
  if (!set && create) {
    set = new Set();
    queues.set(key, set);
  }
  return set;
}

const server = new WebSocket.Server({host: '127.0.0.1', port: port, perMessageDeflate: false});
server.on('connection', (ws) => {
  const joined = [];
  ws.on('message', (data) => {
    let request;
    try {
      request = JSON.parse(data);
    } catch (e) {
      reply(ws, {}, 400, {error: "Can't decode text (JSON) request."});
      return;
    }
    const body = request.body || {};
    switch (request.action) {
      case 'subscription_create': {
        const set = subscribers(request, true);
        set.add(ws);
        joined.push(set);
        counter += 1;
        reply(ws, request, 201, {subscription_id: counter.toString(16).padStart(24, '0'),
                                 message: 'Subscription ' + body.queue_name + ' created.'});
        break;
      }
      case 'message_post': {
        const messages = body.messages || [];
        const ids = messages.map(() => (counter += 1).toString(16).padStart(24, '0'));
        reply(ws, request, 201, {message_ids: ids});
        const set = subscribers(request, false);
        if (!set) break;
        for (const m of messages) {
          const text = JSON.stringify({ttl: m.ttl || 3600, body: m.body,
                                       Message_Type: 'Notification',
                                       queue_name: body.queue_name});
          for (const client of set) {
            if (client.readyState === WebSocket.OPEN) client.send(text);
          }
        }
        break;
      }
      case 'queue_purge':
        reply(ws, request, 204, {});
        break;
      default:
        reply(ws, request, 400, {error: request.action + ' is not a valid action'});
    }
  });
  ws.on('close', () => {
    for (const set of joined) set.delete(ws);
  });
  ws.on('error', () => {});
});
server.on('listening', () => console.log('node broadcast peer listening on 127.0.0.1:' + port));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

// Node.js peer of the HTTP comparisons: the stock `http` module, one process, answering every
// request like the ceiling does (204, or 200 with a canned JSON body of --body-size bytes).
// usage: node node_http.js PORT [BODY_SIZE]    (listens on 127.0.0.1 only)
'use strict';
const http = require('http');

const port = Number(process.argv[2] || 0);
const bodySize = Number(process.argv[3] || 0);

function cannedBody(size) {
  const head = '{"messages":[{"id":"5f1c0ffee0ddba11cafe0001","href":"/v2/queues/bench-0/messages/' +
    '5f1c0ffee0ddba11cafe0001","ttl":3600,"age":0,"body":{"pad":"';
  const tail = '"}}],"links":[]}';
  return head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
}
const body = bodySize > 0 ? Buffer.from(cannedBody(bodySize)) : null;

const server = http.createServer((req, res) => {
  req.resume();  // discard any request body
  req.on('end', () => {
    if (body === null) {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': body.length});
      res.end(body);
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

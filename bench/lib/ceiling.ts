// The machine's ceiling for the benchmark: a raw node:http server answering a constant string.
import http from 'node:http';

// CEILING_BYTES=n answers n bytes instead, to show what moving a large page costs by itself.
const size = Number(process.env.CEILING_BYTES ?? 0);
const body = size > 0 ? Buffer.alloc(size, 'x') : Buffer.from('hello');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

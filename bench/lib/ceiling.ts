// The machine's ceiling for the benchmark: a raw node:http server answering a constant string.
import fs from 'node:fs';
import http from 'node:http';

// CEILING_BODY_FILE=path answers that file's bytes instead (as gzip), to show what moving and parsing a large
// page costs by itself: the load generator's cost depends on the bytes, not only their number.
const file = process.env.CEILING_BODY_FILE;
const body = file ? fs.readFileSync(file) : Buffer.from('hello');
const extra: Record<string, string> = file ? { 'content-encoding': 'gzip' } : {};
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length), ...extra });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

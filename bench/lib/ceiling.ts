// The machine's ceiling for the benchmark: a raw node:http server answering a constant string.
import fs from 'node:fs';
import http from 'node:http';

// CEILING_BODY_FILE=path answers that file's bytes instead (in CEILING_BODY_ENCODING), to show what moving a
// large page costs by itself.
const file = process.env.CEILING_BODY_FILE;
const body = file ? fs.readFileSync(file) : Buffer.from('hello');
const encoding = process.env.CEILING_BODY_ENCODING;
const extra: Record<string, string> = file && encoding ? { 'content-encoding': encoding } : {};
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length), ...extra });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

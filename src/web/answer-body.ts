/**
 * The bytes of each answer made from bytes here (web/page.ts), beside it: the page cache and the compression
 * middleware read an answer back, and draining a copy of its stream (Response.clone, arrayBuffer) copied every
 * page once more through web streams. Keyed by the Response itself, so an answer replaced on its way out is read
 * back from its stream as before.
 */
const answerBytes = new WeakMap<Response, Uint8Array>();

/** Records the bytes a Response was made from. */
export function rememberBody(res: Response, body: Uint8Array): Response {
  answerBytes.set(res, body);
  return res;
}

/** The bytes the answer was made from, when rememberBody was told; else read its body. */
export function answerBody(res: Response): Uint8Array | undefined {
  return answerBytes.get(res);
}
